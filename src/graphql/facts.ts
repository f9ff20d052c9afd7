// What every kind of fact has besides its own fields: its version, its retraction (null while
// it stands) and its history; and how lists leave retracted facts out unless an admin asks.
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { and, asc, eq, isNull, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { GraphQLError } from "graphql";
import { factVersionTable } from "../db/tables.js";
import type { FactChange, FactKindName } from "../facts/history.js";
import { FACT_KINDS } from "../facts/kinds.js";
import { builder } from "./builder.js";
import type { Context } from "./context.js";
import { encodeGlobalId } from "./global-id.js";
import { checkPage } from "./pagination.js";

export const FactChangeEnum = builder.enumType("FactChange", {
  description: "How a fact changed.",
  values: {
    ADDED: { description: "First recorded." },
    UPDATED: { description: "Corrected: some of its fields were replaced." },
    RETRACTED: { description: "Retracted: kept, marked, and out of every list." },
    MERGED: { description: "A person merged into another, which now holds its facts." },
  },
});

/** FactKind's values from the one list of kinds: RELEASE → "release", EXCHANGE_EVENT → "exchangeEvent". */
export const FactKindEnum = builder.enumType("FactKind", {
  description: "A kind of fact.",
  values: Object.fromEntries(
    Object.values(FACT_KINDS).map(({ spec }) => [
      spec.kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
      { value: spec.kind, description: `${/^[AEIOU]/.test(spec.typename) ? "An" : "A"} ${spec.typename}.` },
    ]),
  ) as Record<string, { value: FactKindName; description: string }>,
});

/** References in stored values and in Update…Input, by the type of object their ids name. */
export const REFERENCES: Record<string, string> = {
  personId: "Person",
  speakerId: "Person",
  mergedIntoId: "Person",
  exchangeId: "ExchangeEvent",
  sentenceId: "Sentence",
  subjectIds: "Person",
  sourceIds: "Source",
};

/**
 * Stored names that are no input's field, by the API field that shows them: a merged person's
 * `mergedIntoId` is Person.mergedInto.
 */
const API_NAMES: Record<string, string> = { mergedIntoId: "mergedInto" };

/** Stored field names as the API names them. */
export const apiFields = (fields: string[]): string[] => fields.map((field) => API_NAMES[field] ?? field);

/** Stored values as the API shows them: references as global ids, fields as the API names them. */
export function apiValues(values: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!values) return null;
  return Object.fromEntries(
    Object.entries(values).map(([field, value]) => {
      const typename = REFERENCES[field];
      const name = API_NAMES[field] ?? field;
      if (!typename || value == null) return [name, value];
      return [
        name,
        Array.isArray(value)
          ? value.map((id) => encodeGlobalId(typename, id))
          : encodeGlobalId(typename, value as number),
      ];
    }),
  );
}

type Retraction = { at: string; reason: string; sourceIds: number[] };

const RetractionRef = builder.objectRef<Retraction>("Retraction").implement({
  description: "Why and when a fact was retracted. The fact is kept, out of every list.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime", description: "When it was retracted." }),
    reason: t.exposeString("reason", { description: "Why, as the admin who retracted it wrote." }),
    sources: t.drizzleField({
      type: ["source"],
      description: "Sources showing that the fact was wrong, if any were cited.",
      resolve: (query, retraction, _args, ctx) =>
        retraction.sourceIds.length === 0
          ? []
          : ctx.db.query.source.findMany(
              query({ where: { id: { in: retraction.sourceIds } }, orderBy: { id: "asc" } }),
            ),
    }),
  }),
});

type Version = typeof factVersionTable.$inferSelect;

const FactVersionRef = builder.objectRef<Version>("FactVersion").implement({
  description: "One version of a fact, as recorded: every addition, correction, retraction and merge makes one.",
  fields: (t) => ({
    version: t.exposeInt("version", { description: "1 as first recorded, one more per change." }),
    recordedAt: t.expose("recordedAt", { type: "DateTime", description: "When this version was recorded." }),
    change: t.field({
      type: FactChangeEnum,
      description: "What made this version.",
      resolve: (v) => v.change as FactChange,
    }),
    reason: t.exposeString("reason", { nullable: true, description: "Why, for a correction, retraction or merge." }),
    changedFields: t.stringList({
      description:
        "The fields this version changed, as Update…Input names them (`mergedInto` for MERGED); empty for ADDED and RETRACTED.",
      resolve: (v) => apiFields(v.changedFields),
    }),
    values: t.field({
      type: "JSON",
      description: "The fact's fields at this version, as Update…Input names them (references as global ids).",
      resolve: (v) => apiValues(v.values as Record<string, unknown>),
    }),
  }),
});

const FactVersionConnection = builder.connectionObject(
  { type: FactVersionRef, name: "FactVersionConnection", description: "A page of a fact's versions, oldest first." },
  { name: "FactVersionEdge", description: "A version in a page, with its cursor." },
);

/** The columns every fact row carries for these fields. */
const FACT_COLUMNS = {
  columns: { id: true, version: true, retractedAt: true, retractionReason: true, retractionSourceIds: true },
} as const;

type FactRow = {
  id: number;
  version: number;
  retractedAt: string | null;
  retractionReason: string | null;
  retractionSourceIds: number[] | null;
};

/**
 * `version`, `retraction` and `history` for a fact type's `fields`. `t` is the field builder of a
 * drizzleNode; its exact type varies with the table, so it is taken by what it is used for.
 */
export function factFields(t: any, kind: FactKindName, noun: string) {
  return {
    version: t.int({
      description: `The ${noun}'s version: 1 as first recorded, one more per correction or retraction. Pass it as \`expectedVersion\` to change it only if nobody did since you read it.`,
      select: FACT_COLUMNS,
      resolve: (row: FactRow) => row.version,
    }),
    retraction: t.field({
      type: RetractionRef,
      nullable: true,
      description: `Null while the ${noun} stands; once retracted, when, why and on which sources.`,
      select: FACT_COLUMNS,
      resolve: (row: FactRow): Retraction | null =>
        row.retractedAt
          ? { at: row.retractedAt, reason: row.retractionReason ?? "", sourceIds: row.retractionSourceIds ?? [] }
          : null,
    }),
    history: t.connection(
      {
        type: FactVersionRef,
        description: `Every version of this ${noun}, oldest first.`,
        select: FACT_COLUMNS,
        resolve: (row: FactRow, args: { first?: number | null; after?: string | null }, ctx: Context) => {
          checkPage(args);
          return resolveOffsetConnection({ args }, ({ limit, offset }) =>
            ctx.db
              .select()
              .from(factVersionTable)
              .where(and(eq(factVersionTable.kind, kind), eq(factVersionTable.entityId, row.id)))
              .orderBy(asc(factVersionTable.version))
              .limit(limit)
              .offset(offset),
          );
        },
      },
      FactVersionConnection,
    ),
  };
}

/** The `includeRetracted` argument of every list. */
export const INCLUDE_RETRACTED = {
  defaultValue: false,
  description: "Also list retracted facts (and merged persons). Needs an admin token.",
} as const;

/** The condition that leaves retracted facts out, unless an admin asked for them. */
export function standing(
  column: PgColumn,
  includeRetracted: boolean | null | undefined,
  ctx: Context,
): SQL | undefined {
  if (!includeRetracted) return isNull(column);
  if (!ctx.viewer.admin) {
    throw new GraphQLError("`includeRetracted: true` needs an admin token: send `Authorization: Bearer <token>`.", {
      extensions: { code: "FORBIDDEN" },
    });
  }
  return undefined;
}
