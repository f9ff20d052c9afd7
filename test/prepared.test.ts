// Prepared statements on PostgreSQL (src/db/prepared.ts): a statement is prepared from its
// second run, at most DB_PREPARED_STATEMENTS of them, planned once, and reads answer the same
// either way.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";
import { rowsOf } from "../src/db/rows.js";
import { personTable } from "../src/db/tables.js";
import { createTestDatabase, onPostgres, type TestDatabase } from "./support/database.js";

let fixture: TestDatabase;
let single: Database;

beforeAll(async () => {
  if (!onPostgres) return;
  fixture = await createTestDatabase({ seed: true });
  // One connection, so that pg_prepared_statements (per session) shows all this client prepared.
  single = await openDatabase({ databaseUrl: fixture.url, poolMax: 1, preparedStatements: 2 });
});
afterAll(async () => {
  await single?.close();
  await fixture?.drop();
});

/** Our statements prepared on the connection (postgres.js prepares its own type lookup too). */
async function preparedTexts(): Promise<string[]> {
  const result = await single.db.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`);
  return rowsOf<{ statement: string }>(result)
    .map((r) => r.statement)
    .filter((text) => text.includes('"person"'));
}

describe.skipIf(!onPostgres)("prepared statements", () => {
  it("prepare a statement from its second run, the first DB_PREPARED_STATEMENTS only, with the same answers", async () => {
    const byName = (name: string) =>
      single.db.query.person.findFirst({ where: { name }, columns: { name: true, slug: true } });
    const bySlug = (slug: string) => single.db.query.person.findFirst({ where: { slug }, columns: { name: true } });
    const byId = (id: number) => single.db.select({ name: personTable.name }).from(personTable).where(sql`id = ${id}`);

    const first = await byName("Vadim Krasikov");
    expect(first?.slug).toBeTruthy();
    expect(await preparedTexts()).toEqual([]);
    expect(await byName("Vadim Krasikov")).toEqual(first);
    expect(await byName("Evan Gershkovich")).toMatchObject({ name: "Evan Gershkovich" });
    expect(await preparedTexts()).toHaveLength(1);

    expect(await bySlug(first?.slug as string)).toEqual({ name: "Vadim Krasikov" });
    expect(await bySlug(first?.slug as string)).toEqual({ name: "Vadim Krasikov" });
    expect(await preparedTexts()).toHaveLength(2);

    // The cap is reached: a third statement keeps running unprepared.
    const [row] = await byId(1);
    expect((await byId(1))[0]).toEqual(row);
    expect(await preparedTexts()).toHaveLength(2);
  });

  it("count DB_PREPARED_STATEMENTS per process, not per lane of the pool", async () => {
    // Three connections: one each for reads, write transactions and searches.
    const laned = await openDatabase({ databaseUrl: fixture.url, poolMax: 3, preparedStatements: 2 });
    try {
      const onReads = async () => {
        const result = await laned.db.execute<{ statement: string }>(
          sql`select statement from pg_prepared_statements where statement like '%"person"%'`,
        );
        return rowsOf<{ statement: string }>(result).length;
      };
      const byName = () =>
        laned.db.query.person.findFirst({ where: { name: "Vadim Krasikov" }, columns: { name: true } });
      const bySlug = (db: Database["db"]) =>
        db.query.person.findFirst({ where: { slug: "x" }, columns: { name: true } });
      const byId = () => laned.db.select({ name: personTable.name }).from(personTable).where(sql`id = ${1}`);
      await byName();
      await byName();
      expect(await onReads()).toBe(1);
      // The second statement is prepared on the search lane: the budget of two is spent.
      await bySlug(laned.searchDb);
      await bySlug(laned.searchDb);
      await byId();
      await byId();
      expect(await onReads()).toBe(1);
    } finally {
      await laned.close();
    }
  });

  it("plan a prepared list once: its runs reuse one generic plan, however many", async () => {
    // A page of persons, `limit $1` as every list sends it. With PostgreSQL's default plan cache
    // mode the first five runs are each planned anew, and on the bench's 10,000 persons every
    // run is (the generic plan, costed for an unknown limit, never looks as cheap).
    const own = await openDatabase({ databaseUrl: fixture.url, poolMax: 1 });
    // Closed whatever the outcome: an open connection would keep the fixture from being dropped.
    try {
      const page = () => own.db.query.person.findMany({ columns: { name: true }, orderBy: { name: "asc" }, limit: 3 });
      const first = await page();
      for (let run = 0; run < 9; run++) expect(await page()).toEqual(first);
      const result = await own.db.execute<{ statement: string; generic: number; custom: number }>(
        sql`select statement, generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements`,
      );
      const list = rowsOf<{ statement: string; generic: number; custom: number }>(result).find((r) =>
        /from "person".*limit \$1/.test(r.statement),
      );
      expect(list).toMatchObject({ custom: 0 });
      expect(list?.generic).toBeGreaterThanOrEqual(9);
    } finally {
      await own.close();
    }
  });
});
