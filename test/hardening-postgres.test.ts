// PostgreSQL safety on a throwaway cluster: the session settings reach the server through the
// pool, and while the server is down /ready says 503 and operations fail fast with a clear error;
// once it is back the same service (no restart) answers again.
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { type Database, openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { createLogger } from "../src/logger.js";
import { type Cluster, canRunCluster, startCluster } from "./support/cluster.js";
import { sleepInEveryLane } from "./support/lanes.js";
import { RawSocket, send } from "./support/raw.js";
import { until } from "./support/until.js";

const POOL_MAX = 3;
const STATEMENT_TIMEOUT_MS = 1_500;
const DOWN_MS = 4_000;

let cluster: Cluster;
let database: Database;
let app: App;
let url: string;
beforeAll(async () => {
  if (!canRunCluster) return;
  cluster = await startCluster();
  database = await openDatabase({
    databaseUrl: cluster.url,
    poolMax: POOL_MAX,
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
  });
  await migrate(database);
  app = buildApp({ config: loadConfig({ LOG_LEVEL: "silent" }), database, log: createLogger("silent") });
  url = `http://127.0.0.1:${await app.start(0, "127.0.0.1")}/graphql`;
});
afterAll(async () => {
  await app?.stop();
  await database?.close();
  await cluster?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ready = () => fetch(url.replace("/graphql", "/ready")).then((r) => r.status);
const query = (q: string) =>
  send(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: q }) });

describe.skipIf(!canRunCluster)("PostgreSQL safety", () => {
  it("sets statement_timeout and idle_in_transaction_session_timeout on pooled sessions, and caps the pool", async () => {
    const show = async (name: string) =>
      ((await database.db.execute(sql.raw(`show ${name}`))) as unknown as Record<string, string>[])[0]?.[name];
    expect(await show("statement_timeout")).toBe(`${STATEMENT_TIMEOUT_MS}ms`);
    expect(await show("idle_in_transaction_session_timeout")).toBe("30s");
    await expect(database.db.execute(sql`select pg_sleep(3)`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: "57014" }),
    });

    const observer = postgres(cluster.url, { max: 1, onnotice: () => {} });
    let done = false;
    const sleeping = sleepInEveryLane(database, 9, 0.5);
    void sleeping.finally(() => {
      done = true;
    });
    // The most sessions sleeping at once while nine sleeps in each lane queue for the pool (the
    // feed's LISTEN connection is the service's too, but outside the pool).
    let most = 0;
    while (!done) {
      const [row] =
        await observer`select count(*)::int as n from pg_stat_activity where application_name = 'exchange-graph' and query like 'select pg_sleep%'`;
      most = Math.max(most, row?.n ?? 0);
      await sleep(50);
    }
    await sleeping;
    await observer.end();
    expect(most).toBe(POOL_MAX);
  });

  it("answers a query stopped by statement_timeout with QUERY_TIMEOUT, not the SQL", async () => {
    // Another session holds the table: the query waits on the lock until statement_timeout.
    const holder = postgres(cluster.url, { max: 1, onnotice: () => {} });
    let held = () => {};
    const lockHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    const locked = holder.begin(async (tx) => {
      await tx`lock table person in access exclusive mode`;
      held();
      await tx`select pg_sleep(${(STATEMENT_TIMEOUT_MS + 1_000) / 1000})`;
    });
    await lockHeld;
    const answer = await query("{ persons(first: 1) { nodes { name } } }");
    await locked.catch(() => {});
    await holder.end();
    expect(answer.status).toBeLessThan(500);
    expect(answer.payloads[0]?.errors?.[0]).toMatchObject({
      message: "The query took too long and was cancelled.",
      extensions: { code: "QUERY_TIMEOUT" },
    });
    expect(answer.text).not.toMatch(/select|person"|canceling|stack/i);
  });

  it("answers 503 on /ready and DATABASE_UNAVAILABLE at once while the server is down, then recovers", async () => {
    expect(await ready()).toBe(200);
    expect((await query("{ stats { persons } }")).payloads[0]?.data).toEqual({ stats: { persons: 0 } });
    const socket = await RawSocket.open(url.replace("http", "ws"));

    const restarting = cluster.restart(DOWN_MS);
    const noticed = await until(async () => (await ready()) === 503, DOWN_MS, "/ready 503");

    const started = Date.now();
    const answer = await query("{ stats { persons } }");
    const took = Date.now() - started;
    expect(answer.payloads[0]?.data ?? null).toBeNull();
    expect(answer.payloads[0]?.errors?.[0]).toMatchObject({
      message: "The database is unavailable; try again shortly.",
      extensions: { code: "DATABASE_UNAVAILABLE" },
    });
    expect(took).toBeLessThan(1_000); // not connect_timeout (5 s)
    expect(answer.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|5432|stack/);
    socket.sendJson({ id: "down", type: "subscribe", payload: { query: "{ stats { persons } }" } });
    const messages = await socket.operation("down");
    expect(JSON.stringify(messages)).toContain("DATABASE_UNAVAILABLE");
    // A subscription too, answered at once, without Yoga's HTTP status hint.
    socket.sendJson({
      id: "down-sub",
      type: "subscribe",
      payload: { query: "subscription { releaseAdded { cursor } }" },
    });
    const refused = await socket.operation("down-sub");
    expect(JSON.stringify(refused)).toContain("DATABASE_UNAVAILABLE");
    expect(JSON.stringify([...messages, ...refused])).not.toMatch(/"http"|stack/);
    expect(socket.open).toBe(true);

    await restarting;
    const recovered = await until(async () => (await ready()) === 200, 10_000, "/ready 200");
    // postgres.js's own reconnect backoff grows to 20 s; ours is capped at 1 s.
    expect(recovered).toBeLessThan(3_000);
    expect((await query("{ stats { persons } }")).payloads[0]?.data).toEqual({ stats: { persons: 0 } });
    socket.sendJson({ id: "up", type: "subscribe", payload: { query: "{ stats { persons } }" } });
    expect((await socket.operation("up"))[0]).toMatchObject({
      type: "next",
      payload: { data: { stats: { persons: 0 } } },
    });
    socket.close();
    console.log(
      `database down noticed by /ready in ${noticed} ms; a query while down took ${took} ms; ready ${recovered} ms after restart`,
    );
  });
});
