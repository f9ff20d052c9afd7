// HTTP caching of GET queries, with the response cache on and off: a public answer has a strong
// ETag and `public, no-cache`; If-None-Match with the current tag gets a 304; a changed answer a
// new tag; a request with credentials never an ETag or a 304, and `private, no-store`.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MUTATIONS } from "./support/admin.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

const ADMIN = `Bearer ${TEST_ADMIN_TOKEN}`;
const QUERY = `{ exchangeEvents(first: 5) { totalCount nodes { slug } } }`;

describe.each([
  ["on", "1000"],
  ["off", "0"],
])("with the response cache %s", (_label, size) => {
  let server: TestServer;
  let written = 0;
  beforeAll(async () => {
    server = await startServer({ seed: false, env: { RESPONSE_CACHE_SIZE: size } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (headers: Record<string, string> = {}, query = QUERY) =>
    fetch(`${server.url}?query=${encodeURIComponent(query)}`, { headers: { accept: "application/json", ...headers } });

  async function addExchange() {
    written++;
    const admin = { authorization: ADMIN };
    const source = await server.gql(MUTATIONS.addSource, { input: { publisher: `Wire ${written}` } }, admin);
    const input = {
      slug: `2020-01-0${written}-http-test`,
      name: `HTTP test ${written}`,
      occurredOn: `2020-01-0${written}`,
      sourceIds: [source.data?.result.id],
    };
    const exchange = await server.gql(MUTATIONS.addExchangeEvent, { input }, admin);
    expect(exchange.data?.result.__typename, JSON.stringify(exchange.data?.result)).toBe("ExchangeEvent");
  }

  it("tags a public answer, answers 304 to its tag, and a new tag once the answer changed", async () => {
    await addExchange();
    const first = await get();
    expect(first.status).toBe(200);
    const tag = first.headers.get("etag") as string;
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get("cache-control")).toBe("public, no-cache");
    expect(first.headers.get("vary")).toMatch(/Authorization/);
    expect(first.headers.get("last-modified")).toBeNull();
    // The tag names the bytes sent: a SHA-256 of the body, so any copy of it can be checked.
    const text = await first.text();
    expect(tag).toBe(`"${createHash("sha256").update(text).digest("base64url")}"`);
    expect(JSON.parse(text).data.exchangeEvents.totalCount).toBe(written);
    const repeated = await get();
    expect(repeated.headers.get("etag")).toBe(tag);
    expect(await repeated.text()).toBe(text);

    const again = await get({ "if-none-match": tag });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(tag);
    expect(await again.text()).toBe("");
    expect((await get({ "if-none-match": `"other", W/${tag}` })).status).toBe(304);

    await addExchange();
    const changed = await get({ "if-none-match": tag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(tag);
    expect((await changed.json()).data.exchangeEvents.totalCount).toBe(written);
  });

  it("never sends a tag or a 304 to a request with credentials", async () => {
    const tag = (await get()).headers.get("etag") as string;
    for (const authorization of [ADMIN, "Bearer not-a-key"]) {
      const response = await get({ authorization, "if-none-match": tag });
      expect(response.status).toBe(200);
      expect(response.headers.get("etag")).toBeNull();
      expect(response.headers.get("cache-control")).toBe("private, no-store");
    }
    const post = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: ADMIN },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(post.headers.get("cache-control")).toBe("private, no-store");
  });

  it("tags no event stream: its text is not the JSON answer's, and a 304 would end it unread", async () => {
    const tag = (await get()).headers.get("etag") as string;
    const stream = await get({ accept: "text/event-stream", "if-none-match": tag });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.headers.get("etag")).toBeNull();
    expect(stream.headers.get("cache-control")).toBe("no-store");
    expect(await stream.text()).toContain('"exchangeEvents"');
  });

  it("tags no answer with errors, and no POST", async () => {
    const failed = await get({}, `{ auditLog(first: 1) { totalCount } }`);
    expect(failed.headers.get("etag")).toBeNull();
    expect(failed.headers.get("cache-control")).toBe("no-store");
    const post = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get("etag")).toBeNull();
    expect(post.headers.get("last-modified")).toBeNull();
  });
});
