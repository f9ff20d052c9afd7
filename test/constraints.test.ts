// The rules hold in the database itself, whoever writes: these statements bypass the write layer.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../src/db/rows.js";
import { pgCode } from "../src/facts/support.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ seed: true });
});
afterAll(async () => {
  await t?.drop();
});

async function sqlState(statement: ReturnType<typeof sql>): Promise<string | undefined> {
  try {
    await t.database.db.execute(statement);
    return "ok";
  } catch (error) {
    return pgCode(error);
  }
}

const krasikov = sql`(select id from person where slug = 'vadim-krasikov')`;
const ankara = sql`(select id from exchange_event where slug = '2024-08-01-ankara')`;

describe("constraints live in the database", () => {
  it.each([
    [
      "term_months without TERM",
      sql`insert into sentence (person_id, country, charge, kind, term_months) values (${krasikov}, 'DE', 'x', 'LIFE', 12)`,
      "23514",
    ],
    [
      "TERM without term_months",
      sql`insert into sentence (person_id, country, charge, kind) values (${krasikov}, 'DE', 'x', 'TERM')`,
      "23514",
    ],
    [
      "a lower-case country code",
      sql`insert into sentence (person_id, country, charge, kind) values (${krasikov}, 'de', 'x', 'LIFE')`,
      "23514",
    ],
    [
      "a three-letter nationality",
      sql`insert into person (slug, name, nationalities) values ('x-y', 'X Y', '{DEU}')`,
      "23514",
    ],
    [
      "a duplicate exchange slug",
      sql`insert into exchange_event (slug, name, occurred_on) values ('2024-08-01-ankara', 'again', '2024-08-01')`,
      "23505",
    ],
    [
      "a malformed slug",
      sql`insert into exchange_event (slug, name, occurred_on) values ('Not A Slug', 'x', '2024-08-01')`,
      "23514",
    ],
    [
      "a release of a person who does not exist",
      sql`insert into release (person_id, released_on, from_country) values (999999, '2024-08-01', 'RU')`,
      "23503",
    ],
    [
      "the same person released twice in one exchange",
      sql`insert into release (person_id, exchange_id, released_on, from_country) values (${krasikov}, ${ankara}, '2024-08-02', 'DE')`,
      "23505",
    ],
    [
      "a blank statement",
      sql`insert into statement (speaker_id, text, said_on) values (${krasikov}, '   ', '2024-08-01')`,
      "23514",
    ],
    [
      "a feed position out of thin air twice",
      sql`insert into feed_event (position, kind, entity_id) select position, kind, entity_id from feed_event limit 1`,
      "23505",
    ],
  ])("refuses %s", async (_name, statement, code) => {
    expect(await sqlState(statement)).toBe(code);
  });

  it("accepts a valid row, so the refusals above are about the rule and not the statement", async () => {
    expect(
      await sqlState(
        sql`insert into sentence (person_id, country, charge, kind, term_months) values (${krasikov}, 'DE', 'constraint probe', 'TERM', 12)`,
      ),
    ).toBe("ok");
  });

  it("keeps the search key in step with names and aliases", async () => {
    await t.database.db.execute(
      sql`update person set aliases = aliases || '{Wadim Krassikow}' where slug = 'vadim-krasikov'`,
    );
    const result = await t.database.db.execute(sql`select search_key from person where slug = 'vadim-krasikov'`);
    expect(rowsOf<{ search_key: string }>(result)[0]?.search_key).toContain("vadim krasikov");
  });
});
