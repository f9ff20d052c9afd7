// The data model. SQL names are snake_case (snakeCase.table); TypeScript and GraphQL use the
// same words in camelCase. Rules that must hold whoever writes live here as constraints.
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  primaryKey,
  snakeCase,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const table = snakeCase.table;

export const sentenceKindEnum = pgEnum("sentence_kind", ["TERM", "LIFE", "DEATH", "TIME_SERVED"]);
export const confidenceEnum = pgEnum("confidence", ["HIGH", "MEDIUM", "LOW"]);

const country = (column: AnyPgColumn | ReturnType<typeof sql>) => sql`${column} ~ '^[A-Z]{2}$'`;
const countries = (column: AnyPgColumn) => sql`array_to_string(${column}, ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$'`;
const notBlank = (column: AnyPgColumn) => sql`btrim(${column}) <> ''`;

/**
 * When a row was written. Read as PostgreSQL's text ("2024-08-02 09:37:00.123456+00"), not as a
 * Date: every row a read loads carries one, and a Date built per row per request (drizzle's
 * textToDate) was work for a value few queries ask for. The DateTime scalar turns it into ISO
 * 8601 when it is asked for.
 */
const recordedAt = () => timestamp({ withTimezone: true, mode: "string", precision: 6 }).notNull().defaultNow();
/** Which admin key wrote the row; null for the built-in data set. */
const recordedBy = () => text();

/**
 * What every kind of fact carries besides its own fields: its version (1 as first recorded, one
 * more per correction or retraction; every version is kept in fact_version) and, once it is
 * retracted, when, why, by whom and on which sources. A retracted fact is kept: it leaves lists,
 * counts and search, and `node(id:)` still answers it.
 */
const factColumns = () => ({
  version: integer().notNull().default(1),
  retractedAt: timestamp({ withTimezone: true, mode: "string", precision: 6 }),
  retractionReason: text(),
  retractedBy: text(),
  retractionSourceIds: integer().array(),
});

export const sourceTable = table(
  "source",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    publisher: text().notNull(),
    title: text(),
    url: text(),
    publishedOn: date({ mode: "string" }),
    publishedAt: timestamp({ withTimezone: true, mode: "date" }),
    description: text(),
    recordedAt: recordedAt(),
    recordedBy: recordedBy(),
    ...factColumns(),
  },
  (t) => [
    unique().on(t.url),
    check("source_publisher_not_blank", notBlank(t.publisher)),
    check("source_url_http", sql`${t.url} IS NULL OR ${t.url} ~ '^https?://'`),
    index().on(t.publisher),
  ],
);

export const personTable = table(
  "person",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    /** Stable natural key ("roman-seleznev"): what the importer and seed loader match on. */
    slug: text().notNull().unique(),
    name: text().notNull(),
    aliases: text().array().notNull().default(sql`'{}'::text[]`),
    nationalities: text().array().notNull().default(sql`'{}'::text[]`),
    birthDate: date({ mode: "string" }),
    description: text(),
    /** Transliteration-folded names and aliases; see the translit_key() migration. */
    searchKey: text().notNull().generatedAlwaysAs(sql`person_search_key(name, aliases)`),
    recordedAt: recordedAt(),
    recordedBy: recordedBy(),
    ...factColumns(),
    /** Set by mergePersons on the person merged away: the person who now holds its facts. */
    mergedIntoId: integer().references((): AnyPgColumn => personTable.id),
  },
  (t) => [
    check("person_slug_format", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check("person_name_not_blank", notBlank(t.name)),
    check("person_nationalities_codes", countries(t.nationalities)),
    // GiST rather than GIN: the planner costs GIN trigram scans for `<%` above a sequential scan
    // and never uses them, so with GIN every search reads the whole table.
    index("person_search_key_gist").using("gist", sql`${t.searchKey} gist_trgm_ops`),
    index("person_nationalities_gin").using("gin", t.nationalities),
    index().on(t.name, t.id),
    // The public list, standing persons by name, reads names from this index alone (an
    // index-only scan, where the index above must visit every row to check retracted_at). The
    // index above serves an admin's list with retracted persons.
    index("person_standing_name_id").on(t.name, t.id).where(sql`${t.retractedAt} IS NULL`),
  ],
);

export const personSourceTable = table(
  "person_source",
  {
    personId: integer()
      .notNull()
      .references(() => personTable.id, { onDelete: "cascade" }),
    sourceId: integer()
      .notNull()
      .references(() => sourceTable.id),
  },
  (t) => [primaryKey({ columns: [t.personId, t.sourceId] }), index().on(t.sourceId)],
);

export const sentenceTable = table(
  "sentence",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    personId: integer()
      .notNull()
      .references(() => personTable.id),
    country: text().notNull(),
    court: text(),
    charge: text().notNull(),
    kind: sentenceKindEnum().notNull(),
    termMonths: integer(),
    sentencedOn: date({ mode: "string" }),
    note: text(),
    confidence: confidenceEnum(),
    recordedAt: recordedAt(),
    recordedBy: recordedBy(),
    ...factColumns(),
  },
  (t) => [
    check("sentence_country_code", country(t.country)),
    check("sentence_charge_not_blank", notBlank(t.charge)),
    check("sentence_term_months_iff_term", sql`(${t.kind} = 'TERM') = (${t.termMonths} IS NOT NULL)`),
    check("sentence_term_months_range", sql`${t.termMonths} IS NULL OR ${t.termMonths} BETWEEN 1 AND 12000`),
    // One standing sentence per natural key (a day left out is one value); a retracted one may be added again.
    uniqueIndex("sentence_natural_key")
      .on(t.personId, t.country, sql`coalesce(${t.sentencedOn}, '-infinity'::date)`, t.kind, t.charge)
      .where(sql`${t.retractedAt} IS NULL`),
    index().on(t.personId, t.id),
    index().on(t.country, t.id),
  ],
);

export const sentenceSourceTable = table(
  "sentence_source",
  {
    sentenceId: integer()
      .notNull()
      .references(() => sentenceTable.id, { onDelete: "cascade" }),
    sourceId: integer()
      .notNull()
      .references(() => sourceTable.id),
  },
  (t) => [primaryKey({ columns: [t.sentenceId, t.sourceId] }), index().on(t.sourceId)],
);

export const exchangeEventTable = table(
  "exchange_event",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    slug: text().notNull().unique(),
    name: text().notNull(),
    occurredOn: date({ mode: "string" }).notNull(),
    location: text(),
    country: text(),
    mediators: text().array().notNull().default(sql`'{}'::text[]`),
    parties: text().array().notNull().default(sql`'{}'::text[]`),
    description: text(),
    confidence: confidenceEnum(),
    recordedAt: recordedAt(),
    recordedBy: recordedBy(),
    ...factColumns(),
  },
  (t) => [
    check("exchange_event_slug_format", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check("exchange_event_name_not_blank", notBlank(t.name)),
    check("exchange_event_country_code", sql`${t.country} IS NULL OR ${country(t.country)}`),
    check("exchange_event_mediators_codes", countries(t.mediators)),
    check("exchange_event_parties_codes", countries(t.parties)),
    index().on(t.occurredOn, t.id),
  ],
);

export const exchangeEventSourceTable = table(
  "exchange_event_source",
  {
    exchangeEventId: integer()
      .notNull()
      .references(() => exchangeEventTable.id, { onDelete: "cascade" }),
    sourceId: integer()
      .notNull()
      .references(() => sourceTable.id),
  },
  (t) => [primaryKey({ columns: [t.exchangeEventId, t.sourceId] }), index().on(t.sourceId)],
);

export const releaseTable = table(
  "release",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    personId: integer()
      .notNull()
      .references(() => personTable.id),
    exchangeId: integer().references(() => exchangeEventTable.id),
    releasedOn: date({ mode: "string" }).notNull(),
    fromCountry: text().notNull(),
    toCountry: text(),
    sentenceId: integer().references(() => sentenceTable.id),
    note: text(),
    confidence: confidenceEnum(),
    recordedAt: recordedAt(),
    recordedBy: recordedBy(),
    ...factColumns(),
  },
  (t) => [
    check("release_from_country_code", country(t.fromCountry)),
    check("release_to_country_code", sql`${t.toCountry} IS NULL OR ${country(t.toCountry)}`),
    // A person is released at most once per exchange, and at most once a day, among standing releases.
    uniqueIndex("release_person_exchange").on(t.personId, t.exchangeId).where(sql`${t.retractedAt} IS NULL`),
    uniqueIndex("release_person_day").on(t.personId, t.releasedOn).where(sql`${t.retractedAt} IS NULL`),
    // Every filter of `releases` combined with its ordering (releasedOn desc, id desc).
    index().on(t.releasedOn, t.id),
    index().on(t.exchangeId, t.releasedOn, t.id),
    index().on(t.fromCountry, t.releasedOn, t.id),
    index().on(t.toCountry, t.releasedOn, t.id),
    index().on(t.personId, t.id),
    index().on(t.sentenceId),
  ],
);

export const releaseSourceTable = table(
  "release_source",
  {
    releaseId: integer()
      .notNull()
      .references(() => releaseTable.id, { onDelete: "cascade" }),
    sourceId: integer()
      .notNull()
      .references(() => sourceTable.id),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.sourceId] }), index().on(t.sourceId)],
);

export const statementTable = table(
  "statement",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    speakerId: integer()
      .notNull()
      .references(() => personTable.id),
    text: text().notNull(),
    language: text(),
    saidOn: date({ mode: "string" }).notNull(),
    channel: text(),
    exchangeId: integer().references(() => exchangeEventTable.id),
    confidence: confidenceEnum(),
    recordedAt: recordedAt(),
    recordedBy: recordedBy(),
    ...factColumns(),
  },
  (t) => [
    check("statement_text_not_blank", notBlank(t.text)),
    check("statement_language_bcp47", sql`${t.language} IS NULL OR ${t.language} ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'`),
    // The same words by the same speaker on the same day are one standing statement.
    uniqueIndex("statement_natural_key")
      .on(t.speakerId, t.saidOn, sql`md5(${t.text})`)
      .where(sql`${t.retractedAt} IS NULL`),
    index("statement_text_fts").using("gin", sql`to_tsvector('english', ${t.text})`),
    index().on(t.saidOn, t.id),
    index().on(t.speakerId, t.saidOn, t.id),
    index().on(t.exchangeId, t.saidOn, t.id),
  ],
);

export const statementSubjectTable = table(
  "statement_subject",
  {
    statementId: integer()
      .notNull()
      .references(() => statementTable.id, { onDelete: "cascade" }),
    personId: integer()
      .notNull()
      .references(() => personTable.id),
  },
  (t) => [primaryKey({ columns: [t.statementId, t.personId] }), index().on(t.personId)],
);

export const statementSourceTable = table(
  "statement_source",
  {
    statementId: integer()
      .notNull()
      .references(() => statementTable.id, { onDelete: "cascade" }),
    sourceId: integer()
      .notNull()
      .references(() => sourceTable.id),
  },
  (t) => [primaryKey({ columns: [t.statementId, t.sourceId] }), index().on(t.sourceId)],
);

/** The kinds of fact, as the feed, the history and the audit log name them. */
export const FACT_KIND_NAMES = ["source", "person", "sentence", "exchangeEvent", "release", "statement"] as const;
const kindCheck = (column: AnyPgColumn) =>
  sql`${column} IN (${sql.raw(FACT_KIND_NAMES.map((kind) => `'${kind}'`).join(", "))})`;
export const FACT_CHANGES = ["ADDED", "UPDATED", "RETRACTED", "MERGED"] as const;
const changeCheck = (column: AnyPgColumn) =>
  sql`${column} IN (${sql.raw(FACT_CHANGES.map((change) => `'${change}'`).join(", "))})`;

/**
 * Every version of every fact, never updated or deleted: `values` holds the fact's fields as
 * the API's Update…Input names them (ids as database ids), so the facts as recorded at any
 * instant are the latest version of each with `recorded_at` at or before it (docs/history.md).
 */
export const factVersionTable = table(
  "fact_version",
  {
    kind: text().notNull(),
    entityId: integer().notNull(),
    version: integer().notNull(),
    change: text().notNull(),
    reason: text(),
    changedFields: text().array().notNull().default(sql`'{}'::text[]`),
    values: jsonb().notNull(),
    recordedAt: recordedAt(),
    recordedBy: recordedBy(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.entityId, t.version] }),
    check("fact_version_kind", kindCheck(t.kind)),
    check("fact_version_change", changeCheck(t.change)),
    check("fact_version_positive", sql`${t.version} >= 1`),
    index().on(t.recordedAt),
  ],
);

/**
 * The feed: one row per change of a fact (addition, correction, retraction, merge), appended
 * in the writer's transaction. `position` is taken from `feed_head` under its row lock, so
 * positions are gapless and follow commit order. `version` names the fact_version row that
 * holds the fact's values at that change, so a replay filters on what was true then.
 */
export const feedEventTable = table(
  "feed_event",
  {
    position: bigint({ mode: "number" }).primaryKey(),
    kind: text().notNull(),
    entityId: integer().notNull(),
    change: text().notNull().default("ADDED"),
    version: integer().notNull().default(1),
    recordedAt: recordedAt(),
  },
  (t) => [
    check("feed_event_kind", kindCheck(t.kind)),
    check("feed_event_change", changeCheck(t.change)),
    index().on(t.kind, t.entityId),
  ],
);

export const feedHeadTable = table(
  "feed_head",
  {
    id: integer().primaryKey().default(1),
    position: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [check("feed_head_single_row", sql`${t.id} = 1`)],
);

/** Admin API keys: only a SHA-256 hash of the token is stored. */
export const apiKeyTable = table(
  "api_key",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull().unique(),
    tokenHash: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true, mode: "date", precision: 6 }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [check("api_key_name_format", sql`${t.name} ~ '^[A-Za-z0-9_.-]{1,64}$'`)],
);

/** Every write by an admin: who, when, what. */
export const auditTable = table(
  "audit",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    actor: text().notNull(),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: integer(),
    at: recordedAt(),
    /** Why, for corrections, retractions and merges. */
    reason: text(),
    /** The fact's values before and after the write (null before an addition). */
    before: jsonb(),
    after: jsonb(),
  },
  (t) => [index().on(t.at, t.id), index().on(t.actor, t.id)],
);
