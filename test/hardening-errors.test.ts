// What errors reveal (masked, logged with the request id, no suggestions), GraphiQL's switch,
// CSRF prevention, and the graphql-ws connection limits.
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type App, buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { rowsOf } from "../src/db/rows.js";
import { appendFeedEvent } from "../src/feed/append.js";
import { LIMITS } from "../src/http/limits.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { createWorld } from "./support/feed-facts.js";
import { RawSocket, send } from "./support/raw.js";
import { sseSubscribe, wsSubscribe } from "./support/subscribers.js";
import { until } from "./support/until.js";

type Running = { app: App; db: TestDatabase; url: string; wsUrl: string; logs: Record<string, unknown>[] };
const running: Running[] = [];

/** The real app over a fresh database, its pino log captured line by line. */
async function start(env: Record<string, string> = {}, seed = false): Promise<Running> {
  const db = await createTestDatabase({ seed });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ LOG_LEVEL: "info", ...env });
  const app = buildApp({ config, database: db.database, log: pino({ level: "info", base: undefined }, sink) });
  const port = await app.start(0, "127.0.0.1");
  const started = { app, db, logs, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
  running.push(started);
  return started;
}

let main: Running;
/** One server for both switched-off settings, to save a start-up. */
let strictServer: Promise<Running> | undefined;
const strict = () => {
  strictServer ??= start({ GRAPHIQL: "false", ALLOWED_ORIGINS: "https://app.example, https://admin.example" });
  return strictServer;
};
beforeAll(async () => {
  main = await start({}, true);
});
afterAll(async () => {
  for (const { app, db } of running) {
    await app.stop();
    await db.drop();
  }
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  send(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("field suggestions are off", () => {
  const cases: [string, { query: string; variables?: Record<string, unknown> }, RegExp][] = [
    ["a mistyped field", { query: "{ persons(first: 1) { nodes { nmae } } }" }, /Cannot query field "nmae"/],
    ["a mistyped type", { query: "query ($x: Strin) { __typename }" }, /Unknown type "Strin"/],
    ["a mistyped argument", { query: '{ persons(serch: "x") { totalCount } }' }, /Unknown argument "serch"/],
    [
      "a mistyped enum value and input field in variables",
      {
        query: "mutation ($i: AddSentenceInput!) { addSentence(input: $i) { __typename } }",
        variables: { i: { kind: "TRM", persnId: "x" } },
      },
      /"TRM" does not exist in "SentenceKind" enum/,
    ],
  ];
  it.each(cases)("%s: over HTTP and graphql-ws, no 'Did you mean'", async (_name, request, expected) => {
    const answer = await post(main.url, request);
    const messages = answer.payloads.flatMap((p) => p.errors ?? []).map((e) => e.message);
    expect(messages.join("\n")).toMatch(expected);
    expect(answer.text).not.toMatch(/Did you mean/);
    const socket = await RawSocket.open(main.wsUrl);
    socket.sendJson({ id: "1", type: "subscribe", payload: request });
    const received = await socket.operation("1");
    const wsMessages = received.flatMap(
      (m) => (m.type === "error" ? m.payload : (m.payload as { errors?: [] } | undefined)?.errors) ?? [],
    );
    expect(wsMessages.map((e) => (e as { message: string }).message).join("\n")).toMatch(expected);
    expect(JSON.stringify(received)).not.toMatch(/Did you mean/);
    socket.close();
  });
});

describe("unexpected errors", () => {
  it("are masked in the response and logged with the request id, over HTTP and graphql-ws", async () => {
    const broken = await start();
    // A table gone behind the service's back: the SQL fails with a message naming it.
    await broken.db.database.db.execute(sql`alter table person rename to person_gone`);
    const answer = await post(
      broken.url,
      { query: "{ persons(first: 1) { nodes { name } } }" },
      { "x-request-id": "req-42" },
    );
    expect(answer.status).toBeLessThan(500);
    expect(answer.payloads[0]?.errors?.[0]?.message).toBe("Unexpected error.");
    expect(answer.text).not.toMatch(/person_gone|"person"|select|relation|stack|node_modules|127\.0\.0\.1|5432/i);
    const logged = broken.logs.find((line) => line.requestId === "req-42" && line.level === 50);
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toMatch(/relation .*person/);

    // Without an id of its own, the caller gets the one the service made and logged.
    const plain = await fetch(broken.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ persons(first: 1) { nodes { name } } }" }),
    });
    const made = plain.headers.get("x-request-id");
    await plain.text();
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(broken.logs.some((line) => line.requestId === made && line.level === 50)).toBe(true);

    const socket = await RawSocket.open(broken.wsUrl);
    socket.sendJson({ id: "1", type: "subscribe", payload: { query: "{ persons(first: 1) { nodes { name } } }" } });
    const messages = await socket.operation("1");
    expect(JSON.stringify(messages)).toContain("Unexpected error.");
    expect(JSON.stringify(messages)).not.toMatch(/person_|select|relation|stack/i);
    expect(socket.open).toBe(true);
    socket.close();
  });
});

describe("unexpected errors in subscription events", () => {
  it("reach every subscriber masked, over graphql-ws and SSE, and are logged once per event", async () => {
    const broken = await start();
    const { db } = broken.db.database;
    const world = await createWorld(db, 1);
    const query = "subscription { releaseAdded { cursor release { id person { name } } } }";
    const subscribers = [
      wsSubscribe(broken.wsUrl, query),
      wsSubscribe(broken.wsUrl, query),
      wsSubscribe(broken.wsUrl, query),
      sseSubscribe(broken.url, query),
    ];
    try {
      await until(() => broken.app.feed.subscriberCount >= subscribers.length, 10_000);
      expect(broken.app.feed.subscriberCount).toBe(subscribers.length);
      // The person table gone behind the service's back, then a release written past it.
      await db.execute(sql`alter table person rename to person_gone`);
      await db.transaction(async (tx) => {
        const inserted = await tx.execute<{ id: number }>(sql`
          insert into release (person_id, released_on, from_country, to_country, recorded_by)
          values (${world.persons[0]}, '2031-01-01', 'RU', 'DE', 'test') returning id`);
        await appendFeedEvent(tx, "release", Number(rowsOf<{ id: number }>(inserted)[0]?.id));
      });
      for (const subscriber of subscribers) {
        await subscriber.until((results) => results.length > 0);
        const [result] = subscriber.results;
        expect(result?.errors?.map((e) => e.message)).toEqual(["Unexpected error."]);
        expect(JSON.stringify(result)).not.toMatch(/person_|select|relation|stack|"http"/i);
      }
      const logged = broken.logs.filter((line) => line.level === 50 && line.msg === "unexpected error");
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged[0])).toMatch(/relation .*person/);
    } finally {
      await Promise.all(subscribers.map((s) => s.close()));
    }
  });
});

describe("a client's own mistakes", () => {
  it("are answered as they are and not logged as errors", async () => {
    const before = main.logs.length;
    const badCursor = await post(main.url, { query: '{ releases(after: "bogus") { nodes { id } } }' });
    expect(badCursor.payloads[0]?.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const crossSite = await send(`${main.url}?query=%7B__typename%7D`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    const denied = await post(main.url, { query: 'mutation { addSource(input: { publisher: "x" }) { __typename } }' });
    expect(denied.payloads[0]?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(main.logs.slice(before).filter((line) => (line.level as number) >= 50)).toEqual([]);
  });
});

describe("GraphiQL", () => {
  it("is served to browsers by default and can be switched off with GRAPHIQL=false", async () => {
    const on = await fetch(main.url, { headers: { accept: "text/html" } });
    expect(on.headers.get("content-type")).toMatch(/text\/html/);
    expect(await on.text()).toMatch(/graphiql/i);
    const off = await strict();
    const response = await fetch(off.url, { headers: { accept: "text/html" } });
    expect(response.headers.get("content-type") ?? "").not.toMatch(/text\/html/);
    await response.text();
  });
});

describe("CSRF prevention", () => {
  const query = encodeURIComponent("{ __typename }");
  it("refuses form-like POSTs and cross-site browser GETs, and keeps the documented clients working", async () => {
    const form = await send(main.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `query=${query}`,
    });
    expect(form.status).toBe(415);
    const text = await send(main.url, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(text.status).toBe(415);
    const crossSite = await send(`${main.url}?query=${query}`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.payloads[0]?.data).toBeUndefined();

    // The documented clients: JSON POST (from any origin), GET from non-browsers, a preflighted
    // cross-site GET, SSE.
    const json = await post(main.url, { query: "{ __typename }" }, { origin: "https://dashboard.example" });
    expect(json.payloads[0]?.data).toEqual({ __typename: "Query" });
    const curl = await send(`${main.url}?query=${query}`, {});
    expect(curl.payloads[0]?.data).toEqual({ __typename: "Query" });
    const preflighted = await send(`${main.url}?query=${query}`, {
      headers: { "sec-fetch-site": "cross-site", "x-graphql-csrf": "1" },
    });
    expect(preflighted.payloads[0]?.data).toEqual({ __typename: "Query" });
    const sse = await send(main.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(sse.payloads[0]?.data).toEqual({ __typename: "Query" });
  });

  it("with ALLOWED_ORIGINS, refuses other origins on HTTP and WebSocket upgrades", async () => {
    const { url, wsUrl } = await strict();
    const foreign = await post(url, { query: "{ __typename }" }, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const allowed = await post(url, { query: "{ __typename }" }, { origin: "https://admin.example" });
    expect(allowed.payloads[0]?.data).toEqual({ __typename: "Query" });

    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(wsUrl, "graphql-transport-ws", {
        headers: { origin: "https://evil.example" },
      });
      socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.once("open", () => reject(new Error("a foreign origin opened a socket")));
    });
    expect(refused).toBeGreaterThanOrEqual(400);
    const ok = await RawSocket.open(wsUrl, { headers: { origin: "https://app.example" } });
    expect(ok.open).toBe(true);
    ok.close();
  });
});

describe("graphql-ws connection limits", () => {
  it("closes a socket that sends no connection_init within the wait timeout (4408)", async () => {
    const socket = await RawSocket.open(main.wsUrl, { init: false });
    const started = Date.now();
    const closed = await socket.waitClose(LIMITS.connectionInitWaitMs + 3_000);
    expect(closed.code).toBe(4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.connectionInitWaitMs - 200);
  });

  it("keeps a socket that sent connection_init open past the wait timeout, and serves it", async () => {
    const late = await RawSocket.open(main.wsUrl, { init: false });
    const initialised = await RawSocket.open(main.wsUrl);
    const closed = await late.waitClose(LIMITS.connectionInitWaitMs + 3_000);
    expect(closed.code).toBe(4408);
    expect(initialised.open).toBe(true);
    initialised.sendJson({ id: "q", type: "subscribe", payload: { query: "{ __typename }" } });
    const [next] = await initialised.operation("q");
    expect(next).toMatchObject({ type: "next", payload: { data: { __typename: "Query" } } });
    initialised.close();
  });

  it("refuses operations beyond the per-socket limit with an error, and keeps the socket", async () => {
    const socket = await RawSocket.open(main.wsUrl);
    for (let i = 0; i <= LIMITS.operationsPerSocket; i++) {
      socket.sendJson({
        id: `s${i}`,
        type: "subscribe",
        payload: { query: "subscription { releaseAdded { cursor } }" },
      });
    }
    const [refused] = await socket.operation(`s${LIMITS.operationsPerSocket}`);
    expect(refused).toMatchObject({ type: "error", payload: [{ extensions: { code: "TOO_MANY_OPERATIONS" } }] });
    expect(socket.messages.filter((m) => m.type === "error")).toHaveLength(1);
    socket.sendJson({ id: "s0", type: "complete" });
    socket.sendJson({ id: "again", type: "subscribe", payload: { query: "subscription { releaseAdded { cursor } }" } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket.messages.filter((m) => m.id === "again")).toEqual([]);
    expect(socket.open).toBe(true);
    socket.close();
  });

  it("closes a socket whose message exceeds the maximum payload with 1009, and only that one", async () => {
    const bystander = await RawSocket.open(main.wsUrl);
    const socket = await RawSocket.open(main.wsUrl);
    socket.sendRaw("x".repeat(LIMITS.wsMaxPayload + 1));
    expect((await socket.waitClose()).code).toBe(1009);
    bystander.sendJson({ id: "1", type: "subscribe", payload: { query: "{ __typename }" } });
    expect((await bystander.operation("1"))[0]).toMatchObject({
      type: "next",
      payload: { data: { __typename: "Query" } },
    });
    bystander.close();
  });
});
