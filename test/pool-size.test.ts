// The PostgreSQL pool's size: DB_POOL_MAX when set, otherwise two connections per core and one
// more, at most 10; and a service opened without DB_POOL_MAX never holds more sessions than that.
import { availableParallelism } from "node:os";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPoolMax, loadConfig } from "../src/config.js";
import { databaseOptions, openDatabase } from "../src/db/client.js";
import { createTestDatabase, onPostgres, type TestDatabase } from "./support/database.js";

describe("pool size", () => {
  it("is two connections per core and one more, at most 10, unless DB_POOL_MAX says otherwise", () => {
    expect([1, 2, 4, 8, 64].map((cores) => defaultPoolMax(cores))).toEqual([3, 5, 9, 10, 10]);
    expect(loadConfig({}).dbPoolMax).toBe(Math.min(10, 2 * availableParallelism() + 1));
    expect(loadConfig({ DB_POOL_MAX: "3" }).dbPoolMax).toBe(3);
    expect(loadConfig({ DB_POOL_MAX: "40" }).dbPoolMax).toBe(40);
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

describe.skipIf(!onPostgres)("pool size on PostgreSQL", () => {
  it("holds at most the default number of sessions when DB_POOL_MAX is unset", async () => {
    const config = loadConfig({ DATABASE_URL: fixture.url, LOG_LEVEL: "silent" });
    const database = await openDatabase(databaseOptions(config));
    const observer = postgres(fixture.url as string, { max: 1, onnotice: () => {} });
    try {
      const name = new URL(fixture.url as string).pathname.slice(1);
      // More sleeps than any default pool: the rest queue for a connection.
      const sleeping = Promise.all(Array.from({ length: 12 }, () => database.db.execute(sql`select pg_sleep(0.3)`)));
      let most = 0;
      let done = false;
      void sleeping.finally(() => {
        done = true;
      });
      while (!done) {
        const [row] =
          await observer`select count(*)::int as n from pg_stat_activity where datname = ${name} and query like 'select pg_sleep%'`;
        most = Math.max(most, row?.n ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      await sleeping;
      expect(most).toBe(defaultPoolMax());
    } finally {
      await observer.end();
      await database.close();
    }
  });
});
