import { and, eq, sql } from "drizzle-orm";
import { releaseTable } from "../db/tables.js";
import { builder } from "./builder.js";
import { CONFIDENCE_DESCRIPTION, Confidence } from "./confidence.js";
import { connectionType } from "./connection.js";
import type { Context } from "./context.js";
import { factFields, INCLUDE_RETRACTED, standing } from "./facts.js";
import { idOf } from "./global-id.js";
import { checkPage } from "./pagination.js";

export const ReleaseRef = builder.drizzleNode("release", {
  name: "Release",
  description: "A person set free by the state that held them, in an exchange or outside one.",
  // Only the columns a query asks for, not whole rows (src/graphql/column-fields.ts).
  select: {},
  id: { column: (release) => release.id },
  fields: (t) => ({
    person: t.relation("person", { description: "Who was released." }),
    exchange: t.relation("exchange", {
      nullable: true,
      description: "The exchange, or null for a release outside any exchange.",
    }),
    releasedOn: t.expose("releasedOn", { type: "Date", description: "The day the person was set free." }),
    fromCountry: t.expose("fromCountry", { type: "CountryCode", description: "The state that held the person." }),
    toCountry: t.expose("toCountry", {
      type: "CountryCode",
      nullable: true,
      description: "Where the person was sent first.",
    }),
    sentence: t.relation("sentence", { nullable: true, description: "The sentence cut short, if there was one." }),
    note: t.exposeString("note", { nullable: true, description: "How it came about: pardon, commutation, expulsion." }),
    confidence: t.expose("confidence", { type: Confidence, nullable: true, description: CONFIDENCE_DESCRIPTION }),
    sources: t.relation("sources", { description: "Sources for this release.", query: { orderBy: { id: "asc" } } }),
    ...factFields(t, "release", "release"),
    recordedAt: t.expose("recordedAt", { type: "DateTime", description: "When this release was recorded." }),
  }),
});

export const ReleaseConnection = connectionType(ReleaseRef, "Release");

export type ReleaseFilter = { exchangeId?: string | null; fromCountry?: string | null; toCountry?: string | null };

export function releaseFilter(
  table: typeof releaseTable,
  args: ReleaseFilter & { includeRetracted?: boolean | null },
  ctx: Context,
) {
  return and(
    standing(table.retractedAt, args.includeRetracted, ctx),
    args.exchangeId ? eq(table.exchangeId, idOf(args.exchangeId, "ExchangeEvent")) : undefined,
    args.fromCountry ? eq(table.fromCountry, args.fromCountry) : undefined,
    args.toCountry ? eq(table.toCountry, args.toCountry) : undefined,
  );
}

builder.queryFields((t) => ({
  releases: t.drizzleConnection(
    {
      type: "release",
      description: "Releases, newest first.",
      args: {
        includeRetracted: t.arg.boolean(INCLUDE_RETRACTED),
        exchangeId: t.arg.id({ description: "Only releases in this exchange." }),
        fromCountry: t.arg({ type: "CountryCode", description: "Only releases by this state." }),
        toCountry: t.arg({ type: "CountryCode", description: "Only releases to this state." }),
      },
      totalCount: (_parent, args, ctx) => ctx.db.$count(releaseTable, releaseFilter(releaseTable, args, ctx)),
      resolve: (query, _parent, args, ctx) => {
        checkPage(args);
        return ctx.db.query.release.findMany(
          query({
            where: { RAW: (table) => releaseFilter(table, args, ctx) ?? sql`true` },
            orderBy: { releasedOn: "desc", id: "desc" },
          }),
        );
      },
    },
    ReleaseConnection,
  ),
}));
