// Work for every lane of a PostgreSQL pool (src/db/client.ts): plain reads, write transactions and
// searches, so a test can see how many sessions the whole pool holds at once.
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";

/** `count` sleeps of `seconds` in each lane at once: as reads, in transactions, and as searches. */
export function sleepInEveryLane(database: Database, count: number, seconds: number): Promise<unknown> {
  const sleep = sql`select pg_sleep(${seconds})`;
  const each = (run: () => Promise<unknown>) => Array.from({ length: count }, run);
  return Promise.all([
    ...each(() => database.db.execute(sleep)),
    ...each(() => database.db.transaction((tx) => tx.execute(sleep))),
    ...each(() => database.searchDb.execute(sleep)),
  ]);
}
