// Issue 17, item 6: after 300 random additions, corrections, retractions and merges (fixed seed)
// through the public API, `stats`, every root list's `totalCount`, filtered lists and the lists
// of related objects equal a recount of the standing rows in the tables.
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../src/db/rows.js";
import { encodeGlobalId } from "../src/graphql/global-id.js";
import { applyRandomChanges, type Known } from "./support/random-changes.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

let server: TestServer;
const COUNTRIES = ["RU", "US", "DE", "BY", "LT", "PL", "GB"];
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

beforeAll(async () => {
  server = await startServer({ seed: true });
});
afterAll(async () => {
  await server?.close();
});

async function read(query: string, admin = false): Promise<Record<string, any>> {
  const { data, errors } = await server.gql(query, {}, admin ? ADMIN : {});
  if (errors || !data) throw new Error(JSON.stringify(errors));
  return data;
}

/** Aliased root fields, read 15 at a time (the alias limit), as { alias: totalCount }. */
async function totals(fields: Record<string, string>): Promise<Record<string, number>> {
  const entries = Object.entries(fields);
  const out: Record<string, number> = {};
  for (let i = 0; i < entries.length; i += 15) {
    const data = await read(
      `{ ${entries
        .slice(i, i + 15)
        .map(([alias, field]) => `${alias}: ${field} { totalCount }`)
        .join(" ")} }`,
    );
    for (const [alias, value] of Object.entries(data)) out[alias] = value.totalCount;
  }
  return out;
}

async function recount<T = Record<string, unknown>>(query: SQL): Promise<T[]> {
  return rowsOf<T>(await server.database.db.execute(query));
}

/** Every node of a root list, page by page, with `fields`. */
async function all(field: string, fields: string, admin = false): Promise<Record<string, any>[]> {
  const nodes: Record<string, any>[] = [];
  let after: string | null = null;
  do {
    const page: Record<string, any> = (
      await read(
        `{ list: ${field}(first: 50${after ? `, after: "${after}"` : ""}${admin ? ", includeRetracted: true" : ""}) {
          pageInfo { hasNextPage endCursor } nodes { ${fields} } } }`,
        admin,
      )
    ).list;
    nodes.push(...page.nodes);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return nodes;
}

/** Standing rows of a table: retracted ones (and merged persons, which are retracted too) left out. */
const STANDING = sql.raw("retracted_at is null");

/** { global id: count } from rows of (id, n), every id of `ids` present (0 when no row). */
function byId(typename: string, ids: string[], rows: { id: number; n: number | string }[]) {
  const counts = Object.fromEntries(ids.map((id) => [id, 0]));
  for (const r of rows) counts[encodeGlobalId(typename, Number(r.id))] = Number(r.n);
  return counts;
}

describe("stats and totalCount after 300 random changes", () => {
  it("equal a recount of the standing rows", async () => {
    const known: Known = {
      Source: [],
      Person: [],
      Sentence: [],
      ExchangeEvent: [],
      Release: [],
      Statement: [],
      exchanges: new Map(),
    };
    for (const [field, typename] of [
      ["persons", "Person"],
      ["sentences", "Sentence"],
      ["exchangeEvents", "ExchangeEvent"],
      ["releases", "Release"],
      ["statements", "Statement"],
    ] as const) {
      for (const node of await all(
        field,
        `id sources { id } ${typename === "ExchangeEvent" ? "parties occurredOn" : ""}`,
        true,
      )) {
        known[typename].push(node.id);
        for (const s of node.sources) if (!known.Source.includes(s.id)) known.Source.push(s.id);
        if (typename === "ExchangeEvent") known.exchanges.set(node.id, node as never);
      }
    }
    const started = performance.now();
    const tally = await applyRandomChanges((q, v) => server.gql(q, v, ADMIN), known, 17, 300);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `300 random changes in ${seconds} s:\n${[...tally]
        .sort()
        .map(([k, n]) => `  ${k}: ${n}`)
        .join("\n")}`,
    );
    // The run must have exercised every kind of change, not just been refused.
    const passed = (prefix: string) =>
      [...tally].filter(([k]) => k.startsWith(prefix) && k.endsWith(" ok")).reduce((n, [, c]) => n + c, 0);
    expect(passed("add")).toBeGreaterThan(40);
    expect(passed("update")).toBeGreaterThan(40);
    expect(passed("retract")).toBeGreaterThan(20);
    expect(passed("mergePersons")).toBeGreaterThan(5);

    // stats and the root lists, as anyone reads them.
    const api = await read(`{
      stats { persons releases statements exchanges sentences sources
        releasesByFromCountry { country count } releasesByToCountry { country count } }
      persons(first: 1) { totalCount } releases(first: 1) { totalCount } statements(first: 1) { totalCount }
      sentences(first: 1) { totalCount } exchangeEvents(first: 1) { totalCount }
    }`);
    const [tables] = await recount<Record<string, number | string>>(sql`select
      (select count(*) from person where ${STANDING} and merged_into_id is null) persons,
      (select count(*) from release where ${STANDING}) releases,
      (select count(*) from statement where ${STANDING}) statements,
      (select count(*) from exchange_event where ${STANDING}) exchanges,
      (select count(*) from sentence where ${STANDING}) sentences,
      (select count(*) from source where ${STANDING}) sources`);
    const standing = Object.fromEntries(Object.entries(tables ?? {}).map(([k, v]) => [k, Number(v)]));
    const { releasesByFromCountry, releasesByToCountry, ...stats } = api.stats;
    expect(stats).toEqual(standing);
    expect({
      persons: api.persons.totalCount,
      releases: api.releases.totalCount,
      statements: api.statements.totalCount,
      sentences: api.sentences.totalCount,
      exchanges: api.exchangeEvents.totalCount,
    }).toEqual({
      persons: standing.persons,
      releases: standing.releases,
      statements: standing.statements,
      sentences: standing.sentences,
      exchanges: standing.exchanges,
    });
    const byCountry = async (column: string) =>
      (
        await recount<{ country: string; count: number | string }>(sql`
          select ${sql.identifier(column)} country, count(*) count from release
          where ${STANDING} and ${sql.identifier(column)} is not null group by 1 order by 2 desc, 1`)
      ).map((r) => ({ country: r.country, count: Number(r.count) }));
    expect(releasesByFromCountry).toEqual(await byCountry("from_country"));
    expect(releasesByToCountry).toEqual(await byCountry("to_country"));

    // With includeRetracted (admin): every row, merged persons too.
    const everything = await read(
      `{ ${["persons", "releases", "statements", "sentences", "exchangeEvents"]
        .map((f) => `${f}(first: 1, includeRetracted: true) { totalCount }`)
        .join(" ")} }`,
      true,
    );
    const [rows] = await recount<Record<string, number | string>>(sql`select
      (select count(*) from person) persons, (select count(*) from release) releases,
      (select count(*) from statement) statements, (select count(*) from sentence) sentences,
      (select count(*) from exchange_event) "exchangeEvents"`);
    expect(Object.fromEntries(Object.entries(everything).map(([k, v]) => [k, v.totalCount]))).toEqual(
      Object.fromEntries(Object.entries(rows ?? {}).map(([k, v]) => [k, Number(v)])),
    );

    // Filtered root lists: by country, by exchange, by person.
    const filtered = await totals(
      Object.fromEntries(
        COUNTRIES.flatMap((c) => [
          [`from${c}`, `releases(fromCountry: "${c}", first: 1)`],
          [`to${c}`, `releases(toCountry: "${c}", first: 1)`],
          [`sentencesIn${c}`, `sentences(country: "${c}", first: 1)`],
          [`nationals${c}`, `persons(nationality: "${c}", first: 1)`],
        ]),
      ),
    );
    const [countries] = await recount<Record<string, number | string>>(
      sql`select ${sql.join(
        COUNTRIES.map(
          (
            c,
          ) => sql`(select count(*) from release where ${STANDING} and from_country = ${c}) ${sql.identifier(`from${c}`)},
          (select count(*) from release where ${STANDING} and to_country = ${c}) ${sql.identifier(`to${c}`)},
          (select count(*) from sentence where ${STANDING} and country = ${c}) ${sql.identifier(`sentencesIn${c}`)},
          (select count(*) from person where ${STANDING} and ${c} = any(nationalities)) ${sql.identifier(`nationals${c}`)}`,
        ),
        sql`, `,
      )}`,
    );
    expect(filtered).toEqual(Object.fromEntries(Object.entries(countries ?? {}).map(([k, v]) => [k, Number(v)])));

    // Lists of related objects, for every standing person, exchange and sentence.
    const persons = await all(
      "persons",
      "id releases { id } sentences { id } statements(first: 1) { totalCount } mentions(first: 1) { totalCount }",
    );
    const personIds = persons.map((p) => p.id);
    /** Each node's count of a related list, against the recount by id. */
    const check = (
      label: string,
      nodes: Record<string, any>[],
      count: (node: Record<string, any>) => number,
      recounted: Record<string, number>,
    ) => expect(Object.fromEntries(nodes.map((n) => [n.id, count(n)])), label).toEqual(recounted);
    const perPerson = (query: SQL) =>
      recount<{ id: number; n: number }>(query).then((r) => byId("Person", personIds, r));
    check(
      "person.releases",
      persons,
      (p) => p.releases.length,
      await perPerson(sql`select person_id id, count(*) n from release where ${STANDING} group by 1`),
    );
    check(
      "person.sentences",
      persons,
      (p) => p.sentences.length,
      await perPerson(sql`select person_id id, count(*) n from sentence where ${STANDING} group by 1`),
    );
    check(
      "person.statements",
      persons,
      (p) => p.statements.totalCount,
      await perPerson(sql`select speaker_id id, count(*) n from statement where ${STANDING} group by 1`),
    );
    const mentions = await perPerson(sql`select j.person_id id, count(*) n from statement_subject j
      join statement s on s.id = j.statement_id where s.${STANDING} group by 1`);
    check("person.mentions", persons, (p) => p.mentions.totalCount, mentions);
    // The same through the root lists' filters, for the ten persons most talked about.
    const talkedAbout = Object.entries(mentions)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([id]) => id);
    const byFilter = await totals(
      Object.fromEntries(
        talkedAbout.flatMap((id, i) => [
          [`about${i}`, `statements(aboutPersonId: "${id}", first: 1)`],
          [`by${i}`, `statements(speakerId: "${id}", first: 1)`],
          [`sentences${i}`, `sentences(personId: "${id}", first: 1)`],
        ]),
      ),
    );
    const person = (id: string) => persons.find((p) => p.id === id) as Record<string, any>;
    talkedAbout.forEach((id, i) => {
      expect(byFilter[`about${i}`]).toBe(mentions[id]);
      expect(byFilter[`by${i}`]).toBe(person(id).statements.totalCount);
      expect(byFilter[`sentences${i}`]).toBe(person(id).sentences.length);
    });

    const exchanges = await all("exchangeEvents", "id releases { id } releaseCount statements { id }");
    const exchangeIds = exchanges.map((e) => e.id);
    const perExchange = (query: SQL) =>
      recount<{ id: number; n: number }>(query).then((r) => byId("ExchangeEvent", exchangeIds, r));
    const releasesIn = await perExchange(
      sql`select exchange_id id, count(*) n from release where ${STANDING} and exchange_id is not null group by 1`,
    );
    check("exchange.releases", exchanges, (e) => e.releases.length, releasesIn);
    check("exchange.releaseCount", exchanges, (e) => e.releaseCount, releasesIn);
    check(
      "exchange.statements",
      exchanges,
      (e) => e.statements.length,
      await perExchange(
        sql`select exchange_id id, count(*) n from statement where ${STANDING} and exchange_id is not null group by 1`,
      ),
    );
    const inExchange = await totals(
      Object.fromEntries(exchangeIds.map((id, i) => [`e${i}`, `releases(exchangeId: "${id}", first: 1)`])),
    );
    expect(exchangeIds.map((_, i) => inExchange[`e${i}`])).toEqual(exchangeIds.map((id) => releasesIn[id]));

    const sentences = await all("sentences", "id releases { id }");
    check(
      "sentence.releases",
      sentences,
      (s) => s.releases.length,
      byId(
        "Sentence",
        sentences.map((s) => s.id),
        await recount(
          sql`select sentence_id id, count(*) n from release where ${STANDING} and sentence_id is not null group by 1`,
        ),
      ),
    );
  });
});
