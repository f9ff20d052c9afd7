// Browser clients with their default settings, through real HTTP with the headers browsers send:
// GET queries and EventSource from the same site and from ALLOWED_ORIGINS work, a forged
// cross-site request still writes nothing, preflights are cached, and every response carries an
// x-request-id that pages may read.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counts } from "./support/admin.js";
import { describeBrowser, launchBrowser, type TestBrowser, watchPage } from "./support/browser.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

const QUERY = "{ stats { persons } }";
const MUTATION = 'mutation { addSource(input: { publisher: "Forged" }) { __typename } }';
const APP_ORIGIN = "https://app.example";

/** What urql's default client sends for a query (GET within the URL limit). */
const URQL_GET = {
  accept:
    "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed",
  "sec-fetch-mode": "cors",
  "sec-fetch-dest": "empty",
};
/** What Apollo Client sends for a query with useGETForQueries. */
const APOLLO_GET = {
  accept: "application/graphql-response+json,application/json;q=0.9",
  "content-type": "application/json",
  "sec-fetch-mode": "cors",
  "sec-fetch-dest": "empty",
};
/** What a native EventSource sends. */
const EVENT_SOURCE = { accept: "text/event-stream", "cache-control": "no-cache", "sec-fetch-mode": "cors" };

let open: TestServer;
let strict: TestServer;
beforeAll(async () => {
  [open, strict] = await Promise.all([
    startServer(),
    startServer({ seed: false, env: { ALLOWED_ORIGINS: `${APP_ORIGIN}, https://admin.example` } }),
  ]);
});
afterAll(async () => {
  await Promise.all([open?.close(), strict?.close()]);
});

const getUrl = (server: TestServer, query: string) => `${server.url}?query=${encodeURIComponent(query)}`;

describe("GET queries from browser pages", () => {
  it("work from another port of the same host with urql's, Apollo's and EventSource's defaults", async () => {
    const origin = `http://127.0.0.1:${open.port + 1}`;
    const site = { origin, "sec-fetch-site": "same-site" };
    for (const headers of [URQL_GET, APOLLO_GET]) {
      const response = await fetch(getUrl(open, QUERY), { headers: { ...headers, ...site } });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe(origin);
      const body = (await response.json()) as { data: { stats: { persons: number } } };
      expect(body.data.stats.persons).toBeGreaterThan(0);
    }
    const stream = await fetch(getUrl(open, QUERY), { headers: { ...EVENT_SOURCE, ...site } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(await stream.text()).toMatch(/event: next\ndata: \{"data":\{"stats":\{"persons":\d+/);
  });

  it("work cross-site from an origin in ALLOWED_ORIGINS, and not from others", async () => {
    const allowed = await fetch(getUrl(strict, "{ __typename }"), {
      headers: { ...URQL_GET, origin: APP_ORIGIN, "sec-fetch-site": "cross-site" },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(await allowed.json()).toEqual({ data: { __typename: "Query" } });

    const foreign = await fetch(getUrl(strict, "{ __typename }"), {
      headers: { ...URQL_GET, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(foreign.status).toBe(403);
    await foreign.text();
    // Without ALLOWED_ORIGINS a cross-site page needs a preflight header, as before.
    const unlisted = await fetch(getUrl(open, "{ __typename }"), {
      headers: { ...URQL_GET, origin: APP_ORIGIN, "sec-fetch-site": "cross-site" },
    });
    expect(unlisted.status).toBe(403);
    await unlisted.text();
  });

  it("from an <img> or <script> on another site (no Origin) are still refused", async () => {
    const response = await fetch(getUrl(strict, "{ __typename }"), {
      headers: { accept: "*/*", "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { data?: unknown }).data).toBeUndefined();
  });
});

describe("a forged cross-site request", () => {
  it("cannot write: form and text/plain POSTs are refused, GET runs no mutation", async () => {
    const before = await counts(open.database.db);
    const forms = [
      { type: "application/x-www-form-urlencoded", body: `query=${encodeURIComponent(MUTATION)}` },
      { type: "text/plain", body: JSON.stringify({ query: MUTATION }) },
      {
        type: "multipart/form-data; boundary=x",
        body: `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${MUTATION}\r\n--x--\r\n`,
      },
    ];
    for (const { type, body } of forms) {
      const response = await fetch(open.url, {
        method: "POST",
        headers: { "content-type": type, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        body,
      });
      expect(response.status).toBe(415);
      await response.text();
    }
    // Even from a trusted same-site page, and with the admin's token, GET never mutates.
    const viaGet = await fetch(getUrl(open, MUTATION), {
      headers: {
        ...URQL_GET,
        origin: `http://127.0.0.1:${open.port + 1}`,
        "sec-fetch-site": "same-site",
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      },
    });
    expect(viaGet.status).toBe(405);
    await viaGet.text();
    expect(await counts(open.database.db)).toEqual(before);
  });
});

describe("CORS", () => {
  it("answers a preflight with Access-Control-Max-Age and exposes x-request-id", async () => {
    const preflight = await fetch(strict.url, {
      method: "OPTIONS",
      headers: {
        origin: APP_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type, authorization");
    expect(Number(preflight.headers.get("access-control-max-age"))).toBeGreaterThanOrEqual(600);

    const response = await fetch(strict.url, {
      method: "POST",
      headers: { "content-type": "application/json", origin: APP_ORIGIN },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-request-id");
    expect(response.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
    await response.text();
  });
});

describe("paths besides /graphql", () => {
  it("answers /ready on its exact path, with or without a query, and 404 beside it", async () => {
    const base = open.url.replace("/graphql", "");
    const responses = await Promise.all(
      ["/ready", "/ready?probe=1", "/readyz", "/x/ready", "/graphiql/nowhere.js", "/favicon.ico"].map((path) =>
        fetch(`${base}${path}`),
      ),
    );
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 404, 404, 204]);
  });
});

describe("x-request-id", () => {
  it("is returned on every response, the caller's own when it is a sane token", async () => {
    const base = open.url.replace("/graphql", "");
    const responses = await Promise.all([
      fetch(`${base}/health`),
      fetch(`${base}/ready`),
      fetch(`${base}/nowhere`),
      fetch(open.url, { headers: { accept: "text/html" } }),
      fetch(getUrl(open, "{ __typename }"), { headers: { "sec-fetch-site": "cross-site" } }),
      fetch(getUrl(open, "{ nope }"), { headers: { accept: "application/graphql-response+json" } }),
      fetch(open.url, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }),
    ]);
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 200, 403, 400, 415]);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);

    const own = await fetch(getUrl(open, "{ __typename }"), { headers: { "x-request-id": "trace-42.a" } });
    expect(own.headers.get("x-request-id")).toBe("trace-42.a");
    await own.text();
    const insane = await fetch(getUrl(open, "{ __typename }"), { headers: { "x-request-id": "a b\tc" } });
    expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await insane.text();
  });
});

describeBrowser("a page on another port, in Chromium", () => {
  let chromium: TestBrowser;
  let other: Server;
  let otherPort: number;
  beforeAll(async () => {
    chromium = await launchBrowser();
    // An empty page of another origin on the same host: the client code runs in its context.
    other = createServer((_req, res) => res.end("<!doctype html><title>another app</title>"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    otherPort = (other.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await chromium?.close();
    await new Promise((resolve) => other?.close(resolve));
  });

  it("queries with GET and EventSource as browsers send them, and reads x-request-id", async () => {
    const page = await chromium.browser.newPage();
    const watch = await watchPage(page);
    await page.goto(`http://127.0.0.1:${otherPort}/`);
    const url = getUrl(open, QUERY);
    const result = await page.evaluate(async (url) => {
      const response = await fetch(url, { headers: { accept: "application/graphql-response+json, application/json" } });
      const viaGet = {
        status: response.status,
        requestId: response.headers.get("x-request-id"),
        body: await response.json(),
      };
      const viaEventSource = await new Promise<string>((resolve, reject) => {
        const source = new EventSource(url);
        source.addEventListener("next", (event) => {
          source.close();
          resolve((event as MessageEvent).data);
        });
        source.onerror = () => {
          source.close();
          reject(new Error("EventSource failed"));
        };
      });
      return { viaGet, viaEventSource };
    }, url);
    expect(result.viaGet.status).toBe(200);
    expect(result.viaGet.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.viaGet.body.data.stats.persons).toBeGreaterThan(0);
    expect(JSON.parse(result.viaEventSource).data.stats.persons).toBeGreaterThan(0);
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it("is refused from another site without ALLOWED_ORIGINS", async () => {
    const page = await chromium.browser.newPage();
    await watchPage(page);
    // localhost and 127.0.0.1 are different sites.
    await page.goto(`http://localhost:${otherPort}/`);
    const status = await page.evaluate((url) => fetch(url).then((r) => r.status), getUrl(open, QUERY));
    expect(status).toBe(403);
    await page.close();
  });
});
