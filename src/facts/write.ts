// Every write of a fact goes through here: validate, check references and duplicates, write,
// audit and (for releases and statements) append to the feed, all in one transaction.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
  exchangeEventSourceTable,
  exchangeEventTable,
  personSourceTable,
  personTable,
  releaseSourceTable,
  releaseTable,
  sentenceSourceTable,
  sentenceTable,
  sourceTable,
  statementSourceTable,
  statementSubjectTable,
  statementTable,
} from "../db/tables.js";
import { appendFeedEvent } from "../feed/append.js";
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from "./errors.js";
import {
  type ExchangeEventInput,
  exchangeEventInput,
  type PersonInput,
  type PersonPatch,
  parseInput,
  personInput,
  personPatch,
  type ReleaseInput,
  releaseInput,
  type SentenceInput,
  type SourceInput,
  type StatementInput,
  sentenceInput,
  sourceInput,
  statementInput,
} from "./input.js";
import { type Actor, audit, conflictOnRace, link, lockFact, requireSources } from "./support.js";

export type SourceRow = typeof sourceTable.$inferSelect;
export type PersonRow = typeof personTable.$inferSelect;
export type SentenceRow = typeof sentenceTable.$inferSelect;
export type ExchangeEventRow = typeof exchangeEventTable.$inferSelect;
export type ReleaseRow = typeof releaseTable.$inferSelect;
export type StatementRow = typeof statementTable.$inferSelect;

/** Latin letters that NFKD does not split into a base letter and an accent. */
const LATIN_EXTRA: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[øæœßłđðþı]/g, (c) => LATIN_EXTRA[c] ?? c)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/, "");
}

async function exists<T extends { id: number }>(rows: Promise<T[]>): Promise<T | undefined> {
  return (await rows)[0];
}

export async function addSource(db: Db, raw: SourceInput, actor: Actor): Promise<SourceRow> {
  const input = parseInput(sourceInput, raw);
  return db.transaction(async (tx) => {
    await lockFact(tx, `source:${input.url ?? input.publisher}`);
    const same = await exists(
      tx
        .select()
        .from(sourceTable)
        .where(
          input.url
            ? eq(sourceTable.url, input.url)
            : and(
                isNull(sourceTable.url),
                eq(sourceTable.publisher, input.publisher),
                sql`${sourceTable.title} is not distinct from ${input.title ?? null}`,
                sql`${sourceTable.publishedOn} is not distinct from ${input.publishedOn ?? null}`,
              ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This source is already recorded (id ${same.id}).`, same.id);
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(sourceTable)
          .values({ ...input, recordedBy: actor })
          .returning(),
      "This source is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    await audit(tx, actor, "addSource", "source", row.id);
    return row;
  });
}

export async function addPerson(db: Db, raw: PersonInput, actor: Actor): Promise<PersonRow> {
  const input = parseInput(personInput, raw);
  const slug = input.slug ?? slugify(input.name);
  if (!slug)
    throw new ValidationError([
      { path: ["slug"], message: "is required when the name has no Latin letters or digits" },
    ]);
  return db.transaction(async (tx) => {
    await requireSources(tx, input.sourceIds);
    const same = await exists(tx.select().from(personTable).where(eq(personTable.slug, slug)).limit(1));
    if (same) throw new ConflictError(`A person with slug "${slug}" exists already (${same.name}).`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(personTable)
          .values({ ...values, slug, recordedBy: actor })
          .returning(),
      `A person with slug "${slug}" exists already.`,
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      personSourceTable,
      sourceIds.map((sourceId) => ({ personId: row.id, sourceId })),
    );
    await audit(tx, actor, "addPerson", "person", row.id);
    return row;
  });
}

export async function updatePerson(db: Db, id: number, raw: PersonPatch, actor: Actor): Promise<PersonRow> {
  const input = parseInput(personPatch, raw);
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(personTable).where(eq(personTable.id, id)).for("update");
    if (!current) throw new NotFoundError(`No person with this id.`, ["id"]);
    if (input.sourceIds) await requireSources(tx, input.sourceIds);
    if (input.slug && input.slug !== current.slug) {
      const same = await exists(tx.select().from(personTable).where(eq(personTable.slug, input.slug)).limit(1));
      if (same) throw new ConflictError(`A person with slug "${input.slug}" exists already (${same.name}).`, same.id);
    }
    const { sourceIds, ...patch } = input;
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    for (const required of ["name", "slug", "aliases", "nationalities"] as const) {
      if (required in values && values[required] === null) {
        throw new ValidationError([{ path: [required], message: "cannot be cleared" }]);
      }
    }
    const [row] = await conflictOnRace(
      () =>
        Object.keys(values).length > 0
          ? tx.update(personTable).set(values).where(eq(personTable.id, id)).returning()
          : Promise.resolve([current]),
      "Another person has this slug.",
    );
    if (!row) throw new Error("update returned no row");
    if (sourceIds)
      await link(
        tx,
        personSourceTable,
        sourceIds.map((sourceId) => ({ personId: id, sourceId })),
      );
    await audit(tx, actor, "updatePerson", "person", id);
    return row;
  });
}

async function requirePerson(tx: Db, id: number, path: string): Promise<PersonRow> {
  const [row] = await tx.select().from(personTable).where(eq(personTable.id, id));
  if (!row) throw new NotFoundError(`No person with the id given in ${path}.`, [path]);
  return row;
}

async function requirePersons(tx: Db, ids: number[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx
    .select({ id: personTable.id })
    .from(personTable)
    .where(inArray(personTable.id, [...new Set(ids)]));
  const have = new Set(found.map((r) => r.id));
  const missing = ids.findIndex((id) => !have.has(id));
  if (missing >= 0)
    throw new NotFoundError(`No person with the id given in ${field}[${missing}].`, [field, String(missing)]);
}

async function requireExchange(tx: Db, id: number, path: string): Promise<ExchangeEventRow> {
  const [row] = await tx.select().from(exchangeEventTable).where(eq(exchangeEventTable.id, id));
  if (!row) throw new NotFoundError(`No exchange event with the id given in ${path}.`, [path]);
  return row;
}

export async function addSentence(db: Db, raw: SentenceInput, actor: Actor): Promise<SentenceRow> {
  const input = parseInput(sentenceInput, raw);
  return db.transaction(async (tx) => {
    const person = await requirePerson(tx, input.personId, "personId");
    if (person.birthDate && input.sentencedOn && input.sentencedOn < person.birthDate) {
      throw new ValidationError([
        { path: ["sentencedOn"], message: `must not be before the person's birth (${person.birthDate})` },
      ]);
    }
    await requireSources(tx, input.sourceIds);
    await lockFact(tx, `sentence:${input.personId}`);
    const same = await exists(
      tx
        .select()
        .from(sentenceTable)
        .where(
          and(
            eq(sentenceTable.personId, input.personId),
            eq(sentenceTable.country, input.country),
            eq(sentenceTable.kind, input.kind),
            eq(sentenceTable.charge, input.charge),
            sql`${sentenceTable.sentencedOn} is not distinct from ${input.sentencedOn ?? null}`,
          ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This sentence is already recorded (id ${same.id}).`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(sentenceTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      "This sentence is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      sentenceSourceTable,
      sourceIds.map((sourceId) => ({ sentenceId: row.id, sourceId })),
    );
    await audit(tx, actor, "addSentence", "sentence", row.id);
    return row;
  });
}

export async function addExchangeEvent(db: Db, raw: ExchangeEventInput, actor: Actor): Promise<ExchangeEventRow> {
  const input = parseInput(exchangeEventInput, raw);
  return db.transaction(async (tx) => {
    await requireSources(tx, input.sourceIds);
    const same = await exists(
      tx.select().from(exchangeEventTable).where(eq(exchangeEventTable.slug, input.slug)).limit(1),
    );
    if (same) throw new ConflictError(`An exchange with slug "${input.slug}" exists already.`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(exchangeEventTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      `An exchange with slug "${input.slug}" exists already.`,
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      exchangeEventSourceTable,
      sourceIds.map((sourceId) => ({ exchangeEventId: row.id, sourceId })),
    );
    await audit(tx, actor, "addExchangeEvent", "exchangeEvent", row.id);
    return row;
  });
}

export async function addRelease(db: Db, raw: ReleaseInput, actor: Actor): Promise<ReleaseRow> {
  const input = parseInput(releaseInput, raw);
  return db.transaction(async (tx) => {
    const person = await requirePerson(tx, input.personId, "personId");
    const problems: FieldProblem[] = [];
    if (input.toCountry && input.toCountry === input.fromCountry) {
      problems.push({ path: ["toCountry"], message: "must differ from fromCountry" });
    }
    if (person.birthDate && input.releasedOn < person.birthDate) {
      problems.push({ path: ["releasedOn"], message: `must not be before the person's birth (${person.birthDate})` });
    }
    if (input.exchangeId != null) {
      const exchange = await requireExchange(tx, input.exchangeId, "exchangeId");
      if (input.releasedOn < exchange.occurredOn) {
        problems.push({ path: ["releasedOn"], message: `must not be before the exchange (${exchange.occurredOn})` });
      }
      if (exchange.parties.length > 0 && !exchange.parties.includes(input.fromCountry)) {
        problems.push({
          path: ["fromCountry"],
          message: `must be one of the exchange's parties (${exchange.parties.join(", ")})`,
        });
      }
    }
    if (input.sentenceId != null) {
      const [sentence] = await tx.select().from(sentenceTable).where(eq(sentenceTable.id, input.sentenceId));
      if (!sentence) throw new NotFoundError("No sentence with the id given in sentenceId.", ["sentenceId"]);
      if (sentence.personId !== input.personId) {
        problems.push({ path: ["sentenceId"], message: "is a sentence of another person" });
      }
      if (sentence.sentencedOn && input.releasedOn < sentence.sentencedOn) {
        problems.push({ path: ["releasedOn"], message: `must not be before the sentence (${sentence.sentencedOn})` });
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
    await requireSources(tx, input.sourceIds);
    await lockFact(tx, `release:${input.personId}`);
    const same = await exists(
      tx
        .select()
        .from(releaseTable)
        .where(
          and(
            eq(releaseTable.personId, input.personId),
            input.exchangeId != null
              ? sql`(${releaseTable.exchangeId} = ${input.exchangeId} or ${releaseTable.releasedOn} = ${input.releasedOn})`
              : eq(releaseTable.releasedOn, input.releasedOn),
          ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This person's release is already recorded (id ${same.id}).`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(releaseTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      "This person's release is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      releaseSourceTable,
      sourceIds.map((sourceId) => ({ releaseId: row.id, sourceId })),
    );
    await audit(tx, actor, "addRelease", "release", row.id);
    await appendFeedEvent(tx, "release", row.id);
    return row;
  });
}

export async function addStatement(db: Db, raw: StatementInput, actor: Actor): Promise<StatementRow> {
  const input = parseInput(statementInput, raw);
  return db.transaction(async (tx) => {
    await requirePerson(tx, input.speakerId, "speakerId");
    if (input.exchangeId != null) await requireExchange(tx, input.exchangeId, "exchangeId");
    await requireSources(tx, input.sourceIds);
    await lockFact(tx, `statement:${input.speakerId}`);
    const same = await exists(
      tx
        .select()
        .from(statementTable)
        .where(
          and(
            eq(statementTable.speakerId, input.speakerId),
            eq(statementTable.saidOn, input.saidOn),
            sql`md5(${statementTable.text}) = md5(${input.text})`,
          ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This statement is already recorded (id ${same.id}).`, same.id);
    const { sourceIds, subjectIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(statementTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      "This statement is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    // Subjects are checked where they are linked, in one query; a missing one rolls back the
    // statement row inserted above with everything else.
    await requirePersons(tx, subjectIds, "subjectIds");
    await link(
      tx,
      statementSubjectTable,
      subjectIds.map((personId) => ({ statementId: row.id, personId })),
    );
    await link(
      tx,
      statementSourceTable,
      sourceIds.map((sourceId) => ({ statementId: row.id, sourceId })),
    );
    await audit(tx, actor, "addStatement", "statement", row.id);
    await appendFeedEvent(tx, "statement", row.id);
    return row;
  });
}
