import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { statementSubjectTable, statementTable } from "../db/tables.js";
import { builder } from "./builder.js";
import { CONFIDENCE_DESCRIPTION, Confidence } from "./confidence.js";
import { connectionType } from "./connection.js";
import type { Context } from "./context.js";
import { factFields, INCLUDE_RETRACTED, standing } from "./facts.js";
import { idOf } from "./global-id.js";
import { checkPage } from "./pagination.js";
import { SEARCH_LIMITS, textSearch } from "./search.js";

export const StatementRef = builder.drizzleNode("statement", {
  name: "Statement",
  description: "Something a person said in public, with the persons it is about.",
  // Only the columns a query asks for, not whole rows (src/graphql/column-fields.ts).
  select: {},
  id: { column: (statement) => statement.id },
  fields: (t) => ({
    speaker: t.relation("speaker", { description: "Who said it." }),
    text: t.exposeString("text", { description: "What was said, as the sources give it." }),
    language: t.exposeString("language", {
      nullable: true,
      description: 'Language of `text`, BCP 47: "en", "ru", "de".',
    }),
    saidOn: t.expose("saidOn", { type: "Date", description: "The day it was said." }),
    channel: t.exposeString("channel", {
      nullable: true,
      description: 'How it was said: "Telegram", "press conference".',
    }),
    subjects: t.relation("subjects", { description: "The persons it is about.", query: { orderBy: { id: "asc" } } }),
    exchange: t.relation("exchange", { nullable: true, description: "The exchange it concerns, if any." }),
    confidence: t.expose("confidence", { type: Confidence, nullable: true, description: CONFIDENCE_DESCRIPTION }),
    sources: t.relation("sources", { description: "Sources for this statement.", query: { orderBy: { id: "asc" } } }),
    ...factFields(t, "statement", "statement"),
    recordedAt: t.expose("recordedAt", { type: "DateTime", description: "When this statement was recorded." }),
  }),
});

export const StatementConnection = connectionType(StatementRef, "Statement");

export type StatementFilter = {
  speakerId?: string | null;
  aboutPersonId?: string | null;
  search?: string | null;
  from?: string | null;
  to?: string | null;
};

export function statementFilter(
  table: typeof statementTable,
  args: StatementFilter & { includeRetracted?: boolean | null },
  ctx: Context,
) {
  const search = textSearch(args.search);
  const about = args.aboutPersonId ? idOf(args.aboutPersonId, "Person") : undefined;
  return and(
    standing(table.retractedAt, args.includeRetracted, ctx),
    args.speakerId ? eq(table.speakerId, idOf(args.speakerId, "Person")) : undefined,
    about === undefined
      ? undefined
      : // drizzle's exists() does not parenthesise a raw sql subquery ("exists select 1 …").
        sql`exists (select 1 from ${statementSubjectTable} where ${statementSubjectTable.statementId} = ${table.id} and ${statementSubjectTable.personId} = ${about})`,
    // Same expression as the statement_text_fts index, so the index answers it.
    search ? sql`to_tsvector('english', ${table.text}) @@ websearch_to_tsquery('english', ${search})` : undefined,
    args.from ? gte(table.saidOn, args.from) : undefined,
    args.to ? lte(table.saidOn, args.to) : undefined,
  );
}

builder.queryFields((t) => ({
  statements: t.drizzleConnection(
    {
      type: "statement",
      description: "Statements, newest first. `search` is full-text search over the text (English stemming).",
      args: {
        includeRetracted: t.arg.boolean(INCLUDE_RETRACTED),
        speakerId: t.arg.id({ description: "Only statements by this person." }),
        aboutPersonId: t.arg.id({ description: "Only statements about this person." }),
        search: t.arg.string({
          description: `Words to find, web-search syntax: "fatherland", "prisoners -hostage" (a run of "-" is one NOT); at most ${SEARCH_LIMITS.characters} characters.`,
        }),
        from: t.arg({ type: "Date", description: "Only statements made on or after this day." }),
        to: t.arg({ type: "Date", description: "Only statements made on or before this day." }),
      },
      totalCount: (_parent, args, ctx) => {
        const count = (db: Db) => db.$count(statementTable, statementFilter(statementTable, args, ctx));
        return textSearch(args.search) ? ctx.searches.run(count) : count(ctx.db);
      },
      resolve: (query, _parent, args, ctx) => {
        checkPage(args);
        statementFilter(statementTable, args, ctx);
        const find = (db: Db) =>
          db.query.statement.findMany(
            query({
              where: { RAW: (table) => statementFilter(table, args, ctx) ?? sql`true` },
              orderBy: { saidOn: "desc", id: "desc" },
            }),
          );
        return textSearch(args.search) ? ctx.searches.run(find) : find(ctx.db);
      },
    },
    StatementConnection,
  ),
}));
