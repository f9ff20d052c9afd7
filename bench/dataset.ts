// A deterministic data set (fixed-seed PRNG) loaded with bulk SQL: one `json_to_recordset`
// insert per chunk, straight into the tables, not through the API. Ids are explicit so every
// reference is known without reading back.
import type { RawSql } from "./sql.js";

export type Sizes = { persons: number; releases: number; exchanges: number; statements: number; sources: number };

export function sizesFor(scale: number): Sizes {
  const n = (base: number) => Math.max(10, Math.round(base * scale));
  return { persons: n(10_000), releases: n(20_000), exchanges: n(1_000), statements: n(20_000), sources: n(2_000) };
}

/** mulberry32: small, fast and good enough to pick names and dates reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]) => items[int(items.length)] as T;
  return { next, int, pick };
}

const FIRST = ["Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Galina", "Hans", "Irina", "Jonas", "Karina"];
const MORE_FIRST = ["Lev", "Maria", "Nikolai", "Olga", "Pavel", "Rita", "Sergei", "Tamara", "Umar", "Vera", "Yuri"];
const LAST = ["Petrov", "Schmidt", "Ivanova", "Novak", "Kowalski", "Sokolov", "Weber", "Horvat", "Morozov", "Lang"];
const MORE_LAST = ["Orlova", "Keller", "Volkov", "Fischer", "Lebedev", "Bauer", "Kuznetsova", "Wagner", "Popov"];
const COUNTRIES = ["RU", "US", "DE", "BY", "PL", "NO", "SI", "TR", "GB", "FR", "UA", "EE", "LT", "CZ", "AE", "SA"];
const CHARGES = ["espionage", "treason", "smuggling", "fraud", "extremism", "hooliganism", "murder", "hacking"];
const WORDS = ["freedom", "exchange", "prisoner", "family", "release", "court", "border", "return", "justice", "hope"];
const CHANNELS = ["Telegram", "press conference", "interview", "television", "statement"];
const firsts = [...FIRST, ...MORE_FIRST];
const lasts = [...LAST, ...MORE_LAST];

type Table = { name: string; columns: [string, string][]; rows: Row[]; identity: boolean };
type Row = Record<string, unknown>;

export type Dataset = {
  sizes: Sizes;
  tables: Table[];
  /** Slugs of exchanges that have releases, for the nested read. */
  exchangeSlugs: string[];
  sourceIds: number[];
};

const day = (base: number, offset: number) =>
  new Date(Date.UTC(2000, 0, 1) + (base + offset) * 86_400_000).toISOString().slice(0, 10);

export function generate(sizes: Sizes, seed = 20240801): Dataset {
  const r = prng(seed);
  const sources: Row[] = [];
  for (let id = 1; id <= sizes.sources; id++) {
    sources.push({
      id,
      publisher: r.pick(["Reuters", "AP", "Meduza", "BBC", "DW", "Keystone-SDA"]),
      title: `Report ${id} on ${r.pick(WORDS)}`,
      url: `https://example.org/bench/source/${id}`,
      published_on: day(r.int(9000), 0),
    });
  }
  const sourceId = () => 1 + r.int(sizes.sources);
  const persons: Row[] = [];
  const personSources: Row[] = [];
  for (let id = 1; id <= sizes.persons; id++) {
    const name = `${r.pick(firsts)} ${r.pick(lasts)}`;
    persons.push({
      id,
      slug: `bench-person-${id}`,
      name,
      aliases: [`${name.split(" ")[1]}, ${name.split(" ")[0]}`],
      nationalities: [r.pick(COUNTRIES)],
      birth_date: day(-20_000 + r.int(15_000), 0),
      description: `Person ${id}, ${r.pick(CHARGES)} case.`,
    });
    personSources.push({ person_id: id, source_id: sourceId() });
  }
  // Every person has one or two sentences on distinct days.
  const sentences: Row[] = [];
  const sentenceSources: Row[] = [];
  const sentenceOf = new Map<number, number>();
  for (let p = 1; p <= sizes.persons; p++) {
    const count = 1 + (r.next() < 0.5 ? 1 : 0);
    for (let k = 0; k < count; k++) {
      const id = sentences.length + 1;
      const kind = r.next() < 0.9 ? "TERM" : "LIFE";
      sentences.push({
        id,
        person_id: p,
        country: r.pick(COUNTRIES),
        court: `Court ${r.int(200)}`,
        charge: r.pick(CHARGES),
        kind,
        term_months: kind === "TERM" ? 12 + r.int(240) : null,
        sentenced_on: day(3000 + k * 400 + r.int(300), 0),
      });
      sentenceSources.push({ sentence_id: id, source_id: sourceId() });
      if (k === 0) sentenceOf.set(p, id);
    }
  }
  const exchanges: Row[] = [];
  const exchangeSources: Row[] = [];
  for (let id = 1; id <= sizes.exchanges; id++) {
    const parties = [r.pick(COUNTRIES), r.pick(COUNTRIES)].filter((c, i, all) => all.indexOf(c) === i);
    exchanges.push({
      id,
      slug: `bench-exchange-${id}`,
      name: `Exchange ${id}`,
      occurred_on: day(id * 3, 0),
      location: `Airport ${r.int(50)}`,
      country: r.pick(COUNTRIES),
      mediators: [r.pick(COUNTRIES)],
      parties,
      description: `Bench exchange ${id}.`,
    });
    exchangeSources.push({ exchange_event_id: id, source_id: sourceId() });
  }
  // Release i frees person (i mod persons); three quarters are in exchanges, on the exchange's
  // day (a multiple of 3), the rest outside any, on a day that is not: no person is released
  // twice on one day or twice in one exchange.
  const releases: Row[] = [];
  const releaseSources: Row[] = [];
  const inExchanges = Math.floor(sizes.releases * 0.75);
  const perExchange = Math.max(1, Math.floor(inExchanges / sizes.exchanges));
  for (let i = 0; i < sizes.releases; i++) {
    const id = i + 1;
    const person = (i % sizes.persons) + 1;
    const exchange = i < inExchanges ? Math.min(sizes.exchanges, Math.floor(i / perExchange) + 1) : null;
    const [from, to] = [r.pick(COUNTRIES), r.pick(COUNTRIES)];
    releases.push({
      id,
      person_id: person,
      exchange_id: exchange,
      released_on: exchange ? day(exchange * 3, 0) : day(i * 3 + 1, 0),
      from_country: from,
      to_country: to === from ? null : to,
      sentence_id: r.next() < 0.7 ? sentenceOf.get(person) : null,
      note: "pardon",
    });
    releaseSources.push({ release_id: id, source_id: sourceId() });
  }
  const statements: Row[] = [];
  const statementSubjects: Row[] = [];
  const statementSources: Row[] = [];
  for (let id = 1; id <= sizes.statements; id++) {
    const speaker = 1 + r.int(sizes.persons);
    const words = Array.from({ length: 8 + r.int(12) }, () => r.pick(WORDS));
    statements.push({
      id,
      speaker_id: speaker,
      text: `${id}: ${words.join(" ")}.`,
      language: r.pick(["en", "ru", "de"]),
      said_on: day(r.int(9000), 0),
      channel: r.pick(CHANNELS),
      exchange_id: r.next() < 0.3 ? 1 + r.int(sizes.exchanges) : null,
    });
    statementSubjects.push({ statement_id: id, person_id: 1 + r.int(sizes.persons) });
    statementSources.push({ statement_id: id, source_id: sourceId() });
  }
  const t = (name: string, columns: [string, string][], rows: Row[], identity = true): Table => ({
    name,
    columns,
    rows,
    identity,
  });
  const link = (a: string) =>
    [
      [a, "integer"],
      ["source_id", "integer"],
    ] as [string, string][];
  return {
    sizes,
    exchangeSlugs: exchanges.slice(0, Math.ceil(inExchanges / perExchange)).map((e) => e.slug as string),
    sourceIds: sources.map((s) => s.id as number),
    tables: [
      t(
        "source",
        [
          ["id", "integer"],
          ["publisher", "text"],
          ["title", "text"],
          ["url", "text"],
          ["published_on", "date"],
        ],
        sources,
      ),
      t(
        "person",
        [
          ["id", "integer"],
          ["slug", "text"],
          ["name", "text"],
          ["aliases", "text[]"],
          ["nationalities", "text[]"],
          ["birth_date", "date"],
          ["description", "text"],
        ],
        persons,
      ),
      t("person_source", link("person_id"), personSources, false),
      t(
        "sentence",
        [
          ["id", "integer"],
          ["person_id", "integer"],
          ["country", "text"],
          ["court", "text"],
          ["charge", "text"],
          ["kind", "sentence_kind"],
          ["term_months", "integer"],
          ["sentenced_on", "date"],
        ],
        sentences,
      ),
      t("sentence_source", link("sentence_id"), sentenceSources, false),
      t(
        "exchange_event",
        [
          ["id", "integer"],
          ["slug", "text"],
          ["name", "text"],
          ["occurred_on", "date"],
          ["location", "text"],
          ["country", "text"],
          ["mediators", "text[]"],
          ["parties", "text[]"],
          ["description", "text"],
        ],
        exchanges,
      ),
      t("exchange_event_source", link("exchange_event_id"), exchangeSources, false),
      t(
        "release",
        [
          ["id", "integer"],
          ["person_id", "integer"],
          ["exchange_id", "integer"],
          ["released_on", "date"],
          ["from_country", "text"],
          ["to_country", "text"],
          ["sentence_id", "integer"],
          ["note", "text"],
        ],
        releases,
      ),
      t("release_source", link("release_id"), releaseSources, false),
      t(
        "statement",
        [
          ["id", "integer"],
          ["speaker_id", "integer"],
          ["text", "text"],
          ["language", "text"],
          ["said_on", "date"],
          ["channel", "text"],
          ["exchange_id", "integer"],
        ],
        statements,
      ),
      t(
        "statement_subject",
        [
          ["statement_id", "integer"],
          ["person_id", "integer"],
        ],
        statementSubjects,
        false,
      ),
      t("statement_source", link("statement_id"), statementSources, false),
    ],
  };
}

const CHUNK = 5_000;

/** Loads the data set into migrated, empty tables; returns the number of rows written. */
export async function load(
  sql: RawSql,
  data: Dataset,
  onTable?: (name: string, rows: number) => void,
): Promise<number> {
  let total = 0;
  for (const table of data.tables) {
    const names = table.columns.map(([name]) => name).join(", ");
    const shape = table.columns.map(([name, type]) => `${name} ${type}`).join(", ");
    const overriding = table.identity ? "overriding system value" : "";
    const text = `insert into ${table.name} (${names}) ${overriding} select ${names} from json_to_recordset($1::text::json) as x(${shape})`;
    for (let i = 0; i < table.rows.length; i += CHUNK) {
      await sql.query(text, [JSON.stringify(table.rows.slice(i, i + CHUNK))]);
    }
    if (table.identity) {
      await sql.query(
        `select setval(pg_get_serial_sequence('${table.name}', 'id'), (select max(id) from ${table.name}))`,
      );
    }
    total += table.rows.length;
    onTable?.(table.name, table.rows.length);
  }
  // Vacuum as well as analyze: the first process to read a freshly loaded page sets its tuples'
  // hint bits and writes it back, so without this whichever side ran first (ours) paid for the
  // whole data set's hint bits in its first round (PGlite: 350 req/s against 416–431 in the next
  // two), and autovacuum could start in the middle of a measurement on PostgreSQL.
  await sql.query("vacuum analyze");
  // Writes the vacuumed pages out now rather than during a measurement; PostgreSQL allows it to
  // superusers and pg_checkpoint members only, and it is an optimisation.
  await sql.query("checkpoint").catch(() => {});
  return total;
}
