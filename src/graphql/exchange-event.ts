import { and, gte, lte, sql } from "drizzle-orm";
import { exchangeEventTable } from "../db/tables.js";
import { builder } from "./builder.js";
import { CONFIDENCE_DESCRIPTION, Confidence } from "./confidence.js";
import { connectionType } from "./connection.js";
import type { Context } from "./context.js";
import { factFields, INCLUDE_RETRACTED, standing } from "./facts.js";
import { checkPage } from "./pagination.js";

export const ExchangeEventRef = builder.drizzleNode("exchangeEvent", {
  name: "ExchangeEvent",
  description: "A prisoner exchange: states releasing prisoners to each other on one occasion.",
  // Only the columns a query asks for, not whole rows (src/graphql/column-fields.ts).
  select: {},
  id: { column: (event) => event.id },
  fields: (t) => ({
    slug: t.exposeString("slug", { description: 'Stable readable key, unique: "2024-08-01-ankara".' }),
    name: t.exposeString("name", { description: 'Its common name: "2024 Ankara prisoner exchange".' }),
    occurredOn: t.expose("occurredOn", {
      type: "Date",
      description: "The day it took place (the first, if it took several).",
    }),
    location: t.exposeString("location", { nullable: true, description: "Where it took place." }),
    country: t.expose("country", {
      type: "CountryCode",
      nullable: true,
      description: "The state where it took place; null when there was no single place.",
    }),
    mediators: t.expose("mediators", { type: ["CountryCode"], description: "States that mediated it." }),
    parties: t.expose("parties", { type: ["CountryCode"], description: "The states that released someone." }),
    description: t.exposeString("description", {
      nullable: true,
      description: "What happened, and where sources disagree.",
    }),
    confidence: t.expose("confidence", { type: Confidence, nullable: true, description: CONFIDENCE_DESCRIPTION }),
    releases: t.relation("releases", { description: "Everyone released in it.", query: { orderBy: { id: "asc" } } }),
    releaseCount: t.relatedCount("releases", { description: "How many persons were released in it." }),
    statements: t.relation("statements", {
      description: "Statements about it, oldest first.",
      query: { orderBy: { saidOn: "asc", id: "asc" } },
    }),
    sources: t.relation("sources", { description: "Sources for this exchange.", query: { orderBy: { id: "asc" } } }),
    ...factFields(t, "exchangeEvent", "exchange event"),
    recordedAt: t.expose("recordedAt", { type: "DateTime", description: "When this exchange was recorded." }),
  }),
});

export const ExchangeEventConnection = connectionType(ExchangeEventRef, "ExchangeEvent");

function exchangeFilter(
  table: typeof exchangeEventTable,
  args: { from?: string | null; to?: string | null } & { includeRetracted?: boolean | null },
  ctx: Context,
) {
  return and(
    standing(table.retractedAt, args.includeRetracted, ctx),
    args.from ? gte(table.occurredOn, args.from) : undefined,
    args.to ? lte(table.occurredOn, args.to) : undefined,
  );
}

builder.queryFields((t) => ({
  exchangeEvent: t.drizzleField({
    type: "exchangeEvent",
    nullable: true,
    description: "The exchange with this slug, or null.",
    args: { slug: t.arg.string({ required: true, description: 'Its slug: "2024-08-01-ankara".' }) },
    resolve: (query, _parent, args, ctx) =>
      ctx.db.query.exchangeEvent.findFirst(query({ where: { slug: args.slug.slice(0, 200) } })),
  }),
  exchangeEvents: t.drizzleConnection(
    {
      type: "exchangeEvent",
      description: "Exchanges, newest first.",
      args: {
        includeRetracted: t.arg.boolean(INCLUDE_RETRACTED),
        from: t.arg({ type: "Date", description: "Only exchanges on or after this day." }),
        to: t.arg({ type: "Date", description: "Only exchanges on or before this day." }),
      },
      totalCount: (_parent, args, ctx) =>
        ctx.db.$count(exchangeEventTable, exchangeFilter(exchangeEventTable, args, ctx)),
      resolve: (query, _parent, args, ctx) => {
        checkPage(args);
        return ctx.db.query.exchangeEvent.findMany(
          query({
            where: { RAW: (table) => exchangeFilter(table, args, ctx) ?? sql`true` },
            orderBy: { occurredOn: "desc", id: "desc" },
          }),
        );
      },
    },
    ExchangeEventConnection,
  ),
}));
