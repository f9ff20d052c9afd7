import { and, eq, sql } from "drizzle-orm";
import { type sentenceKindEnum, sentenceTable } from "../db/tables.js";
import { builder } from "./builder.js";
import { CONFIDENCE_DESCRIPTION, Confidence } from "./confidence.js";
import { connectionType } from "./connection.js";
import type { Context } from "./context.js";
import { factFields, INCLUDE_RETRACTED, standing } from "./facts.js";
import { idOf } from "./global-id.js";
import { checkPage } from "./pagination.js";

export const SentenceKind = builder.enumType("SentenceKind", {
  description: "What a court imposed.",
  values: {
    TERM: { description: "Deprivation of liberty for a fixed number of months (see termMonths)." },
    LIFE: { description: "Life imprisonment." },
    DEATH: { description: "The death penalty." },
    TIME_SERVED: { description: "A term equal to the time already spent in custody, usually with expulsion." },
  } satisfies Record<(typeof sentenceKindEnum.enumValues)[number], { description: string }>,
});

export const SentenceRef = builder.drizzleNode("sentence", {
  name: "Sentence",
  description: "A sentence passed by a court. A sentence changed on appeal or retrial is a new Sentence.",
  // Only the columns a query asks for, not whole rows (src/graphql/column-fields.ts).
  select: {},
  id: { column: (sentence) => sentence.id },
  fields: (t) => ({
    person: t.relation("person", { description: "Who was sentenced." }),
    country: t.expose("country", { type: "CountryCode", description: "The state whose court passed it." }),
    court: t.exposeString("court", { nullable: true, description: "The court, as the sources name it." }),
    charge: t.exposeString("charge", { description: "What the person was convicted of." }),
    kind: t.expose("kind", { type: SentenceKind, description: "Term, life, death or time served." }),
    termMonths: t.exposeInt("termMonths", {
      nullable: true,
      description: "Length in months: set for TERM, null for every other kind.",
    }),
    sentencedOn: t.expose("sentencedOn", {
      type: "Date",
      nullable: true,
      description: "The day of the verdict, where known.",
    }),
    note: t.exposeString("note", {
      nullable: true,
      description: "What the date and term leave out: regime, fines, appeals, imprecise dates.",
    }),
    confidence: t.expose("confidence", { type: Confidence, nullable: true, description: CONFIDENCE_DESCRIPTION }),
    releases: t.relation("releases", {
      description: "Releases that cut this sentence short.",
      query: { orderBy: { id: "asc" } },
    }),
    sources: t.relation("sources", { description: "Sources for this sentence.", query: { orderBy: { id: "asc" } } }),
    ...factFields(t, "sentence", "sentence"),
    recordedAt: t.expose("recordedAt", { type: "DateTime", description: "When this sentence was recorded." }),
  }),
});

export const SentenceConnection = connectionType(SentenceRef, "Sentence");

function sentenceFilter(
  table: typeof sentenceTable,
  args: { personId?: string | null; country?: string | null } & { includeRetracted?: boolean | null },
  ctx: Context,
) {
  return and(
    standing(table.retractedAt, args.includeRetracted, ctx),
    args.personId ? eq(table.personId, idOf(args.personId, "Person")) : undefined,
    args.country ? eq(table.country, args.country) : undefined,
  );
}

builder.queryFields((t) => ({
  sentences: t.drizzleConnection(
    {
      type: "sentence",
      description: "Court sentences, in the order they were recorded.",
      args: {
        includeRetracted: t.arg.boolean(INCLUDE_RETRACTED),
        personId: t.arg.id({ description: "Only sentences of this person." }),
        country: t.arg({ type: "CountryCode", description: "Only sentences passed by this state's courts." }),
      },
      totalCount: (_parent, args, ctx) => ctx.db.$count(sentenceTable, sentenceFilter(sentenceTable, args, ctx)),
      resolve: (query, _parent, args, ctx) => {
        checkPage(args);
        return ctx.db.query.sentence.findMany(
          query({
            where: { RAW: (table) => sentenceFilter(table, args, ctx) ?? sql`true` },
            orderBy: { id: "asc" },
          }),
        );
      },
    },
    SentenceConnection,
  ),
}));
