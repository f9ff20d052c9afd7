// The PostgreSQL pool's size: DB_POOL_MAX when set, otherwise two connections per core and one
// more, at most 10; and a service opened without DB_POOL_MAX never holds more sessions than that.
// The pool is shared out in lanes (reads, write transactions, searches), and a read never waits
// for a search or a write.
import { availableParallelism } from "node:os";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openForCli } from "../src/cli/open.js";
import { defaultPoolMax, loadConfig, poolLanes } from "../src/config.js";
import { type Database, databaseOptions, openDatabase } from "../src/db/client.js";
import { createTestDatabase, onPostgres, type TestDatabase } from "./support/database.js";
import { sleepInEveryLane } from "./support/lanes.js";

describe("pool size", () => {
  it("is two connections per core and one more, at most 10, unless DB_POOL_MAX says otherwise", () => {
    expect([1, 2, 4, 8, 64].map((cores) => defaultPoolMax(cores))).toEqual([3, 5, 9, 10, 10]);
    expect(loadConfig({}).dbPoolMax).toBe(Math.min(10, 2 * availableParallelism() + 1));
    expect(loadConfig({ DB_POOL_MAX: "3" }).dbPoolMax).toBe(3);
    expect(loadConfig({ DB_POOL_MAX: "40" }).dbPoolMax).toBe(40);
  });

  it("shares the pool out in lanes: searches, half the rest for write transactions, the rest for reads", () => {
    expect(poolLanes(5)).toEqual({ reads: 2, writes: 2, searches: 1 });
    expect(poolLanes(10)).toEqual({ reads: 4, writes: 4, searches: 2 });
    expect(poolLanes(3)).toEqual({ reads: 1, writes: 1, searches: 1 });
    // SEARCH_CONCURRENCY above the pool: the other lanes keep one connection each.
    expect(poolLanes(5, 8)).toEqual({ reads: 1, writes: 1, searches: 3 });
    // Too small to share: one lane, as a CLI's pool of one or two is.
    expect(poolLanes(2)).toBeNull();
    for (let max = 3; max <= 40; max++) {
      const lanes = poolLanes(max);
      expect(lanes && lanes.reads + lanes.writes + lanes.searches).toBe(max);
      expect(Math.min(lanes?.reads ?? 0, lanes?.writes ?? 0, lanes?.searches ?? 0)).toBeGreaterThanOrEqual(1);
    }
  });

  it("refuses a pool of no connections or a size that is not a number, naming the variable", () => {
    expect(() => loadConfig({ DB_POOL_MAX: "0" })).toThrow(/DB_POOL_MAX/);
    expect(() => loadConfig({ DB_POOL_MAX: "ten" })).toThrow(/DB_POOL_MAX/);
  });
});

let fixture: TestDatabase;
beforeAll(async () => {
  if (onPostgres) fixture = await createTestDatabase();
});
afterAll(async () => {
  await fixture?.drop();
});

/** The most sessions running `pg_sleep` at once while `work` runs: a function, or that many reads. */
async function mostSessionsAt(database: Database, work: number | (() => Promise<unknown>)): Promise<number> {
  const observer = postgres(fixture.url as string, { max: 1, onnotice: () => {} });
  try {
    const name = new URL(fixture.url as string).pathname.slice(1);
    const sleeping =
      typeof work === "function"
        ? work()
        : Promise.all(Array.from({ length: work }, () => database.db.execute(sql`select pg_sleep(0.3)`)));
    let most = 0;
    let done = false;
    void sleeping.finally(() => {
      done = true;
    });
    while (!done) {
      const [row] =
        await observer`select count(*)::int as n from pg_stat_activity where datname = ${name} and state = 'active' and query like 'select pg_sleep%'`;
      most = Math.max(most, row?.n ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await sleeping;
    return most;
  } finally {
    await observer.end();
  }
}

describe.skipIf(!onPostgres)("pool size on PostgreSQL", () => {
  it("holds at most the default number of sessions when DB_POOL_MAX is unset", async () => {
    const database = await openDatabase(
      databaseOptions(loadConfig({ DATABASE_URL: fixture.url, LOG_LEVEL: "silent" })),
    );
    try {
      // More sleeps than any default pool in every lane: the rest queue for a connection.
      expect(await mostSessionsAt(database, () => sleepInEveryLane(database, 12, 0.3))).toBe(defaultPoolMax());
    } finally {
      await database.close();
    }
  });

  it("keeps reads to their lane, and a read never waits for a search or a write transaction", async () => {
    const config = loadConfig({ DATABASE_URL: fixture.url, LOG_LEVEL: "silent", DB_POOL_MAX: "5" });
    const database = await openDatabase(databaseOptions(config));
    try {
      // Every search and write connection busy for a second, with more of each queued behind.
      const slow = sql`select pg_sleep(1)`;
      const busy = Promise.all([
        ...Array.from({ length: 4 }, () => database.searchDb.execute(slow)),
        ...Array.from({ length: 4 }, () => database.db.transaction((tx) => tx.execute(slow))),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      await database.db.execute(sql`select 1`);
      expect(performance.now() - started).toBeLessThan(500);
      await busy;
      // Of five connections, reads hold two (poolLanes above).
      expect(await mostSessionsAt(database, 12)).toBe(2);
    } finally {
      await database.close();
    }
  });

  it("keeps the CLIs within DB_POOL_MAX too", async () => {
    const config = loadConfig({ DATABASE_URL: fixture.url, LOG_LEVEL: "silent", DB_POOL_MAX: "2" });
    const migrating = await openForCli(config);
    try {
      expect(await mostSessionsAt(migrating, 6)).toBe(2);
    } finally {
      await migrating.close();
    }
    // A CLI's own smaller cap (the token CLI uses one connection) still holds.
    const tokens = await openForCli(config, 1);
    try {
      expect(await mostSessionsAt(tokens, 3)).toBe(1);
    } finally {
      await tokens.close();
    }
  });
});
