// The admin mutations: thin resolvers over src/facts/write.ts. Each decodes the global ids of
// its input (a bad one is a ValidationError naming the field), writes as the caller's key, and
// returns the written object read back through the drizzle plugin, so nested fields cost one
// query. Dates and country codes come in as strings so that a wrong one is a ValidationError
// from the facts layer rather than a GraphQL coercion error before the resolver runs.
import type { Change } from "../cache/changes.js";
import { ConflictError, type FieldProblem, isFactError, ValidationError } from "../facts/errors.js";
import { addExchangeEvent, addPerson, addRelease, addSentence, addSource, addStatement } from "../facts/write.js";
import { builder } from "./builder.js";
import type { Context } from "./context.js";
import { conflictOf, MUTATION_ERRORS } from "./errors.js";
import { decodeGlobalId } from "./global-id.js";
import {
  AddExchangeEventInput,
  AddPersonInput,
  AddReleaseInput,
  AddSentenceInput,
  AddSourceInput,
  AddStatementInput,
} from "./mutation-inputs.js";

/** Decodes global ids field by field, collecting every bad one before anything is written. */
export class IdDecoder {
  readonly problems: FieldProblem[] = [];

  one(value: string, typename: string, path: string[]): number {
    try {
      const decoded = decodeGlobalId(value);
      if (decoded.typename === typename) return Number(decoded.id);
      this.problems.push({ path, message: `must be the id of a ${typename}, not of a ${decoded.typename}` });
    } catch {
      this.problems.push({ path, message: `is not a valid ${typename} id` });
    }
    return 0;
  }

  optional(value: string | null | undefined, typename: string, field: string): number | null | undefined {
    return value == null ? value : this.one(value, typename, [field]);
  }

  many(values: readonly string[] | null | undefined, typename: string, field: string): number[] | undefined {
    return values?.map((value, i) => this.one(value, typename, [field, String(i)]));
  }

  /** Throws one ValidationError naming every bad id, if there were any. */
  check(): void {
    if (this.problems.length > 0) throw new ValidationError(this.problems);
  }
}

/** The name of the calling key, for provenance; scope-auth has already refused non-admins. */
export function actorOf(ctx: Context): string {
  if (!ctx.viewer.admin) throw new Error("a mutation ran without an admin viewer");
  return ctx.viewer.keyName;
}

/**
 * Runs a write, tagging a ConflictError with the type of the object that already exists. Once it
 * has committed, this instance's response cache drops what `changed` says it touched, before
 * the mutation answers (other instances learn of it from the feed). A write refused by the facts
 * layer's own checks (inside its transaction, which then rolls back) drops nothing.
 */
export async function write<T>(
  ctx: Context,
  typename: string,
  work: () => Promise<T>,
  changed: (row: T) => Change,
): Promise<T> {
  let row: T;
  try {
    row = await work();
  } catch (error) {
    if (isFactError(error)) ctx.responseCache?.nothingWritten(ctx);
    throw error instanceof ConflictError ? conflictOf(error, typename) : error;
  }
  ctx.responseCache?.reported(ctx, changed(row));
  return row;
}

const changedOne =
  (typename: "Person" | "Source" | "ExchangeEvent") =>
  (row: { id: number }): Change => ({ kind: "changed", typename, id: row.id });

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export function dateTime(value: string | null | undefined, field: string): Date | null | undefined {
  if (value == null) return value;
  const at = new Date(value);
  // Date() rolls "02-30" over into March; the calendar day must exist as written.
  const day = value.slice(0, 10);
  const midnight = new Date(`${day}T00:00:00Z`);
  const real = !Number.isNaN(midnight.getTime()) && midnight.toISOString().startsWith(day);
  if (!ISO_DATE_TIME.test(value) || !real || Number.isNaN(at.getTime())) {
    throw new ValidationError([{ path: [field], message: 'must be ISO 8601 with an offset: "2024-08-01T17:00:00Z"' }]);
  }
  return at;
}

/** Drops nulls from list fields that default to empty, so null means "none" as it would in JSON. */
const list = <T>(value: T[] | null | undefined) => value ?? undefined;

export function errorsFor(result: string, typename: string) {
  return {
    types: MUTATION_ERRORS,
    directResult: true,
    union: {
      name: result,
      description: `The ${typename} written, or why nothing was written.`,
    },
  } as const;
}

builder.mutationType({
  description: "Add, correct, retract and merge facts. Every field needs an admin token.",
});

/** The argument of the add mutations whose facts have a natural key that a retraction frees. */
const RETRACTED_ARE_DUPLICATES = {
  description:
    "Count a retracted fact with the same natural key as a duplicate: answer ConflictError with its id (`existingId`) instead of recording this one again. Imports set it, so that running a file again does not bring back what was retracted since.",
  defaultValue: false,
} as const;

builder.mutationFields((t) => ({
  addSource: t.drizzleField({
    type: "source",
    description: "Records a source that facts can cite.",
    authScopes: { admin: true },
    errors: errorsFor("AddSourceResult", "Source"),
    args: { input: t.arg({ type: AddSourceInput, required: true, description: "The source." }) },
    resolve: async (query, _root, { input }, ctx) => {
      const publishedAt = dateTime(input.publishedAt, "publishedAt");
      const row = await write(
        ctx,
        "Source",
        () => addSource(ctx.db, { ...input, publishedAt }, actorOf(ctx)),
        changedOne("Source"),
      );
      return ctx.db.query.source.findFirst(query({ where: { id: row.id } })).then(found);
    },
  }),
  addPerson: t.drizzleField({
    type: "person",
    description: "Records a person. The slug defaults to one made from the name.",
    authScopes: { admin: true },
    errors: errorsFor("AddPersonResult", "Person"),
    args: { input: t.arg({ type: AddPersonInput, required: true, description: "The person." }) },
    resolve: async (query, _root, { input }, ctx) => {
      const ids = new IdDecoder();
      const sourceIds = ids.many(input.sourceIds, "Source", "sourceIds");
      ids.check();
      const values = { ...input, aliases: list(input.aliases), nationalities: list(input.nationalities), sourceIds };
      const row = await write(ctx, "Person", () => addPerson(ctx.db, values, actorOf(ctx)), changedOne("Person"));
      return ctx.db.query.person.findFirst(query({ where: { id: row.id } })).then(found);
    },
  }),
  addSentence: t.drizzleField({
    type: "sentence",
    description: "Records a court sentence of a person; it must cite at least one source.",
    authScopes: { admin: true },
    errors: errorsFor("AddSentenceResult", "Sentence"),
    args: {
      input: t.arg({ type: AddSentenceInput, required: true, description: "The sentence." }),
      retractedAreDuplicates: t.arg.boolean(RETRACTED_ARE_DUPLICATES),
    },
    resolve: async (query, _root, { input, retractedAreDuplicates }, ctx) => {
      const ids = new IdDecoder();
      const values = {
        ...input,
        personId: ids.one(String(input.personId), "Person", ["personId"]),
        sourceIds: ids.many(input.sourceIds, "Source", "sourceIds") ?? [],
      };
      ids.check();
      const row = await write(
        ctx,
        "Sentence",
        () => addSentence(ctx.db, values, actorOf(ctx), { retractedAreDuplicates: retractedAreDuplicates ?? false }),
        (sentence) => ({ kind: "addedSentence", id: sentence.id, personId: sentence.personId }),
      );
      return ctx.db.query.sentence.findFirst(query({ where: { id: row.id } })).then(found);
    },
  }),
  addExchangeEvent: t.drizzleField({
    type: "exchangeEvent",
    description: "Records a prisoner exchange; it must cite at least one source.",
    authScopes: { admin: true },
    errors: errorsFor("AddExchangeEventResult", "ExchangeEvent"),
    args: { input: t.arg({ type: AddExchangeEventInput, required: true, description: "The exchange." }) },
    resolve: async (query, _root, { input }, ctx) => {
      const ids = new IdDecoder();
      const values = {
        ...input,
        mediators: list(input.mediators),
        parties: list(input.parties),
        sourceIds: ids.many(input.sourceIds, "Source", "sourceIds") ?? [],
      };
      ids.check();
      const row = await write(
        ctx,
        "ExchangeEvent",
        () => addExchangeEvent(ctx.db, values, actorOf(ctx)),
        changedOne("ExchangeEvent"),
      );
      return ctx.db.query.exchangeEvent.findFirst(query({ where: { id: row.id } })).then(found);
    },
  }),
  addRelease: t.drizzleField({
    type: "release",
    description: "Records a release, in an exchange or outside one; subscribers of releaseAdded hear of it.",
    authScopes: { admin: true },
    errors: errorsFor("AddReleaseResult", "Release"),
    args: {
      input: t.arg({ type: AddReleaseInput, required: true, description: "The release." }),
      retractedAreDuplicates: t.arg.boolean(RETRACTED_ARE_DUPLICATES),
    },
    resolve: async (query, _root, { input, retractedAreDuplicates }, ctx) => {
      const ids = new IdDecoder();
      const values = {
        ...input,
        personId: ids.one(String(input.personId), "Person", ["personId"]),
        exchangeId: ids.optional(input.exchangeId?.toString(), "ExchangeEvent", "exchangeId"),
        sentenceId: ids.optional(input.sentenceId?.toString(), "Sentence", "sentenceId"),
        sourceIds: ids.many(input.sourceIds, "Source", "sourceIds") ?? [],
      };
      ids.check();
      const row = await write(
        ctx,
        "Release",
        () => addRelease(ctx.db, values, actorOf(ctx), { retractedAreDuplicates: retractedAreDuplicates ?? false }),
        ({ id, personId, exchangeId, sentenceId }) => ({ kind: "addedRelease", id, personId, exchangeId, sentenceId }),
      );
      return ctx.db.query.release.findFirst(query({ where: { id: row.id } })).then(found);
    },
  }),
  addStatement: t.drizzleField({
    type: "statement",
    description: "Records a public statement; subscribers of statementAdded hear of it.",
    authScopes: { admin: true },
    errors: errorsFor("AddStatementResult", "Statement"),
    args: {
      input: t.arg({ type: AddStatementInput, required: true, description: "The statement." }),
      retractedAreDuplicates: t.arg.boolean(RETRACTED_ARE_DUPLICATES),
    },
    resolve: async (query, _root, { input, retractedAreDuplicates }, ctx) => {
      const ids = new IdDecoder();
      const values = {
        ...input,
        speakerId: ids.one(String(input.speakerId), "Person", ["speakerId"]),
        subjectIds: ids.many(input.subjectIds, "Person", "subjectIds"),
        exchangeId: ids.optional(input.exchangeId?.toString(), "ExchangeEvent", "exchangeId"),
        sourceIds: ids.many(input.sourceIds, "Source", "sourceIds") ?? [],
      };
      ids.check();
      const row = await write(
        ctx,
        "Statement",
        () => addStatement(ctx.db, values, actorOf(ctx), { retractedAreDuplicates: retractedAreDuplicates ?? false }),
        ({ id, speakerId, exchangeId }) => ({
          kind: "addedStatement",
          id,
          speakerId,
          exchangeId,
          subjectIds: values.subjectIds ?? [],
        }),
      );
      return ctx.db.query.statement.findFirst(query({ where: { id: row.id } })).then(found);
    },
  }),
}));

/** The row just written is read back in the same request; it cannot be missing. */
export function found<T>(row: T | undefined): T {
  if (!row) throw new Error("the written row was not found on reading it back");
  return row;
}
