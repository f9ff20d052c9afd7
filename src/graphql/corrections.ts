// Corrections, retractions and merges: update…, retract… for each kind of fact, and
// mergePersons. Thin resolvers over src/facts (change.ts, merge.ts), like the add mutations.
import type { ObjectRef } from "@pothos/core";
import { FACT_TYPES, touched } from "../cache/changes.js";
import type { Recorded } from "../facts/change.js";
import type { FactKindName, FactValues } from "../facts/history.js";
import { FACT_KINDS } from "../facts/kinds.js";
import { correctFact, mergePersons, retract } from "../facts/write.js";
import { builder, type Types } from "./builder.js";
import type { Context } from "./context.js";
import { ExchangeEventRef } from "./exchange-event.js";
import { REFERENCES } from "./facts.js";
import { encodeGlobalId } from "./global-id.js";
import {
  UpdateExchangeEventInput,
  UpdatePersonInput,
  UpdateReleaseInput,
  UpdateSentenceInput,
  UpdateSourceInput,
  UpdateStatementInput,
} from "./mutation-inputs.js";
import { actorOf, dateTime, errorsFor, found, IdDecoder, write } from "./mutations.js";
import { PersonRef } from "./person.js";
import { ReleaseRef } from "./release.js";
import { SentenceRef } from "./sentence.js";
import { SourceRef } from "./source.js";
import { StatementRef } from "./statement.js";

/** List fields: null clears them, as the empty list. */
const LISTS = new Set(["aliases", "nationalities", "mediators", "parties", "sourceIds", "subjectIds"]);

/** A correction's input with its global ids decoded, its lists and instants in the facts layer's shape. */
function patchOf(input: Record<string, unknown>, ids: IdDecoder): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (LISTS.has(field) && value === null) patch[field] = [];
    else if (REFERENCES[field] && Array.isArray(value)) patch[field] = ids.many(value, REFERENCES[field], field);
    else if (REFERENCES[field]) patch[field] = ids.optional(value as string | null, REFERENCES[field], field);
    else if (field === "publishedAt") patch[field] = dateTime(value as string | null, field);
    else patch[field] = value;
  }
  return patch;
}

/**
 * The values a correction or retraction recorded, for this instance's response cache: it drops
 * what they named before and after (none when the correction changed nothing, so only the fact).
 */
function recordedValues(): { recorded: Recorded; values: FactValues[] } {
  const seen: { recorded: Recorded; values: FactValues[] } = {
    values: [],
    recorded: (before, after) => {
      seen.values = [before, after];
    },
  };
  return seen;
}

const EXPECTED_VERSION =
  "Change the fact only if it is still at this `version`: a concurrent change makes this a ConflictError instead of overwriting it.";

/** Reads the written row back through the drizzle plugin, so nested fields cost one query. */
function readBack(ctx: Context, kind: FactKindName, query: (q: object) => object, id: number): Promise<unknown> {
  const table = ctx.db.query[kind] as unknown as { findFirst: (q: object) => Promise<unknown> };
  return table.findFirst(query({ where: { id } })).then(found);
}

type FactMutation = {
  kind: FactKindName;
  ref: ObjectRef<Types, unknown>;
  input: typeof UpdateSourceInput;
  /** updatePerson predates corrections: its reason may be left out. */
  reasonOptional?: boolean;
};

const MUTATIONS: FactMutation[] = [
  { kind: "source", ref: SourceRef as never, input: UpdateSourceInput },
  { kind: "person", ref: PersonRef as never, input: UpdatePersonInput as never, reasonOptional: true },
  { kind: "sentence", ref: SentenceRef as never, input: UpdateSentenceInput as never },
  { kind: "exchangeEvent", ref: ExchangeEventRef as never, input: UpdateExchangeEventInput as never },
  { kind: "release", ref: ReleaseRef as never, input: UpdateReleaseInput as never },
  { kind: "statement", ref: StatementRef as never, input: UpdateStatementInput as never },
];

for (const m of MUTATIONS) {
  const { typename, noun } = FACT_KINDS[m.kind].spec;
  builder.mutationField(`update${typename}`, (t) =>
    t.drizzleField({
      type: m.ref as never,
      description: `Corrects a ${noun}: the fields given replace the stored ones, and the result must pass every rule an added ${noun} does. Keeps the version before it in \`history\`; subscribers of the change subscriptions hear of it. A correction that changes nothing records nothing.`,
      authScopes: { admin: true },
      errors: errorsFor(`Update${typename}Result`, typename),
      args: {
        id: t.arg.id({ required: true, description: `The ${noun}'s global id.` }),
        input: t.arg({ type: m.input, required: true, description: "The fields to correct." }),
        reason: t.arg.string({
          required: !m.reasonOptional,
          description: m.reasonOptional
            ? "Why it is corrected (at most 2000 characters); optional for existing clients, recommended."
            : "Why it is corrected (at most 2000 characters), kept in its history and the audit log.",
        }),
        expectedVersion: t.arg.int({ description: EXPECTED_VERSION }),
      },
      resolve: async (query: (q: object) => object, _root: unknown, args: Record<string, unknown>, ctx: Context) => {
        const ids = new IdDecoder();
        const id = ids.one(String(args.id), typename, ["id"]);
        const patch = patchOf(args.input as Record<string, unknown>, ids);
        ids.check();
        const seen = recordedValues();
        await write(
          ctx,
          typename,
          () =>
            correctFact(ctx.db, m.kind, id, patch, actorOf(ctx), {
              reason: args.reason as string | null | undefined,
              expectedVersion: args.expectedVersion as number | null | undefined,
              reasonOptional: m.reasonOptional ?? false,
              recorded: seen.recorded,
            }),
          () => touched(FACT_TYPES[m.kind], id, ...seen.values),
        );
        return readBack(ctx, m.kind, query, id);
      },
    } as never),
  );
  builder.mutationField(`retract${typename}`, (t) =>
    t.drizzleField({
      type: m.ref as never,
      description:
        `Retracts a ${noun}: it is kept, with its \`retraction\`, and leaves every list, count, search and stat. ${
          m.kind === "source"
            ? "A source still cited by a standing fact cannot be retracted: the ConflictError names the facts."
            : m.kind === "person"
              ? "A person with standing facts cannot be retracted (merge instead): the ConflictError names the facts."
              : m.kind === "sentence" || m.kind === "exchangeEvent"
                ? "Standing releases or statements that rest on it forbid it: the ConflictError names them."
                : ""
        }`.trim(),
      authScopes: { admin: true },
      errors: errorsFor(`Retract${typename}Result`, typename),
      args: {
        id: t.arg.id({ required: true, description: `The ${noun}'s global id.` }),
        reason: t.arg.string({
          required: true,
          description: "Why it is retracted (at most 2000 characters), shown in its `retraction`.",
        }),
        sourceIds: t.arg.idList({ description: "Global ids of Sources showing it was wrong (at most 50)." }),
        expectedVersion: t.arg.int({ description: EXPECTED_VERSION }),
      },
      resolve: async (query: (q: object) => object, _root: unknown, args: Record<string, unknown>, ctx: Context) => {
        const ids = new IdDecoder();
        const id = ids.one(String(args.id), typename, ["id"]);
        const sourceIds = ids.many(args.sourceIds as string[] | null | undefined, "Source", "sourceIds");
        ids.check();
        const seen = recordedValues();
        await write(
          ctx,
          typename,
          () =>
            retract(
              ctx.db,
              m.kind,
              id,
              {
                reason: args.reason as string,
                sourceIds,
                expectedVersion: args.expectedVersion as number | null | undefined,
              },
              actorOf(ctx),
              seen.recorded,
            ),
          () => touched(FACT_TYPES[m.kind], id, ...seen.values),
        );
        return readBack(ctx, m.kind, query, id);
      },
    } as never),
  );
}

type FactRef = { typename: string; id: number };
type Merged = Awaited<ReturnType<typeof mergePersons>>;

const FactRefRef = builder.objectRef<{ duplicate: FactRef; into: FactRef }>("ReconciledFact").implement({
  description: "A fact of the merged person that duplicated one of the kept person's.",
  fields: (t) => ({
    duplicate: t.id({
      description: "Global id of the duplicate: retracted, its sources given to `into`.",
      resolve: (r) => encodeGlobalId(r.duplicate.typename, r.duplicate.id),
    }),
    into: t.id({
      description: "Global id of the kept person's fact that now holds the duplicate's sources.",
      resolve: (r) => encodeGlobalId(r.into.typename, r.into.id),
    }),
  }),
});

const MergePersonsPayload = builder.objectRef<Merged>("MergePersonsPayload").implement({
  description: "Two persons made one.",
  fields: (t) => ({
    kept: t.field({
      type: PersonRef,
      description: "The person kept, with the merged one's facts, names and sources.",
      resolve: (r) => r.kept,
    }),
    merged: t.field({
      type: PersonRef,
      description: "The person merged away: still addressable, with `mergedInto` set, out of every list.",
      resolve: (r) => r.merged,
    }),
    moved: t.idList({
      description: "Global ids of the facts moved to the kept person.",
      resolve: (r) => r.moved.map((f) => encodeGlobalId(f.typename, f.id)),
    }),
    reconciled: t.field({
      type: [FactRefRef],
      description: "Facts that became duplicates, each retracted with its sources kept on the surviving fact.",
      resolve: (r) => r.reconciled,
    }),
  }),
});

builder.mutationField("mergePersons", (t) =>
  t.field({
    type: MergePersonsPayload,
    description:
      "Merges a person recorded twice into the one kept: every fact of `mergeId` moves to `keepId` (duplicates reconciled without losing a source), its name and aliases become aliases of the kept person, and it stays addressable with `mergedInto` set. Subscribers hear of every fact moved and of the merge.",
    authScopes: { admin: true },
    errors: errorsFor("MergePersonsResult", "Person"),
    args: {
      keepId: t.arg.id({ required: true, description: "Global id of the person to keep." }),
      mergeId: t.arg.id({ required: true, description: "Global id of the person to merge into it." }),
      reason: t.arg.string({ required: true, description: "Why they are one person (at most 2000 characters)." }),
    },
    resolve: async (_root, args, ctx) => {
      const ids = new IdDecoder();
      const keepId = ids.one(String(args.keepId), "Person", ["keepId"]);
      const mergeId = ids.one(String(args.mergeId), "Person", ["mergeId"]);
      ids.check();
      return write(
        ctx,
        "Person",
        () => mergePersons(ctx.db, keepId, mergeId, args.reason, actorOf(ctx)),
        () => ({ kind: "unknown" }),
      );
    },
  }),
);
