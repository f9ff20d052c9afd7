import { and, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { personTable } from "../db/tables.js";
import { builder } from "./builder.js";
import { connectionType } from "./connection.js";
import type { Context } from "./context.js";
import { factFields, INCLUDE_RETRACTED, standing } from "./facts.js";
import { checkPage } from "./pagination.js";
import { foldedSearch, nameSearch, SEARCH_LIMITS } from "./search.js";
import { StatementConnection } from "./statement.js";

export const PersonRef = builder.drizzleNode("person", {
  name: "Person",
  description: "A person: someone sentenced, released or exchanged, or someone who spoke about it.",
  // Only the columns a query asks for, not whole rows (src/graphql/column-fields.ts).
  select: {},
  id: { column: (person) => person.id },
  fields: (t) => ({
    slug: t.exposeString("slug", {
      description: 'Stable readable key, unique: "roman-seleznev".',
    }),
    name: t.exposeString("name", { description: 'Canonical English name: "Roman Seleznev".' }),
    aliases: t.exposeStringList("aliases", {
      description: 'Other spellings, transliterations, native-script forms and cover names: "Roman Zelesnyov".',
    }),
    nationalities: t.expose("nationalities", {
      type: ["CountryCode"],
      description: "Every citizenship the sources give.",
    }),
    birthDate: t.expose("birthDate", { type: "Date", nullable: true, description: "Date of birth, where known." }),
    description: t.exposeString("description", { nullable: true, description: "Who the person is, in a line." }),
    sentences: t.relation("sentences", {
      description: "Court sentences passed on this person, oldest first.",
      query: { orderBy: { id: "asc" } },
    }),
    releases: t.relation("releases", {
      description: "Times this person was released, oldest first.",
      query: { orderBy: { releasedOn: "asc", id: "asc" } },
    }),
    statements: t.relatedConnection(
      "statements",
      {
        description: "Statements this person made, newest first.",
        totalCount: true,
        query: (args) => {
          checkPage(args);
          return { orderBy: { saidOn: "desc", id: "desc" } };
        },
      },
      StatementConnection,
    ),
    mentions: t.relatedConnection(
      "mentions",
      {
        description: "Statements about this person, newest first.",
        totalCount: true,
        query: (args) => {
          checkPage(args);
          return { orderBy: { saidOn: "desc", id: "desc" } };
        },
      },
      StatementConnection,
    ),
    sources: t.relation("sources", {
      description: "Sources for the facts about this person.",
      query: { orderBy: { id: "asc" } },
    }),
    mergedInto: t.relation("mergedInto", {
      nullable: true,
      description: "Set once this person was merged into another (recorded twice): the person who now holds its facts.",
    }),
    ...factFields(t, "person", "person"),
    recordedAt: t.expose("recordedAt", { type: "DateTime", description: "When this person was recorded." }),
  }),
});

export const PersonConnection = connectionType(PersonRef, "Person");

/** Persons matching the root field's filters; `table` is whatever alias the query uses. */
function personFilter(
  table: typeof personTable,
  args: { search?: string | null; nationality?: string | null } & { includeRetracted?: boolean | null },
  ctx: Context,
) {
  const search = nameSearch(args.search);
  return and(
    standing(table.retractedAt, args.includeRetracted, ctx),
    args.nationality ? sql`${table.nationalities} @> ARRAY[${args.nationality}]::text[]` : undefined,
    // `<%` is word_similarity above pg_trgm's threshold, answered from the trigram index.
    search ? sql`${foldedSearch(search)} <% ${table.searchKey}` : undefined,
  );
}

builder.queryFields((t) => ({
  persons: t.drizzleConnection(
    {
      type: "person",
      description:
        'Persons by name, best match first when searching, otherwise alphabetical. `search` matches names and aliases across transliterations: "Krassikov" finds Vadim Krasikov.',
      args: {
        search: t.arg.string({
          description: `A name or part of one, in any common spelling: at most ${SEARCH_LIMITS.characters} characters, no word longer than ${SEARCH_LIMITS.wordCharacters}.`,
        }),
        nationality: t.arg({ type: "CountryCode", description: "Only persons holding this citizenship." }),
        includeRetracted: t.arg.boolean(INCLUDE_RETRACTED),
      },
      totalCount: (_parent, args, ctx) => {
        const count = (db: Db) => db.$count(personTable, personFilter(personTable, args, ctx));
        return nameSearch(args.search) ? ctx.searches.run(count) : count(ctx.db);
      },
      resolve: (query, _parent, args, ctx) => {
        checkPage(args);
        const search = nameSearch(args.search);
        const where = { RAW: (table: typeof personTable) => personFilter(table, args, ctx) ?? sql`true` };
        if (search) {
          return ctx.searches.run((db) =>
            db.query.person.findMany(
              query({
                where,
                extras: {
                  score: (table: typeof personTable) =>
                    sql<string>`round(word_similarity(${foldedSearch(search)}, ${table.searchKey})::numeric, 4)`,
                },
                orderBy: { score: "desc", id: "asc" },
              } as never),
            ),
          );
        }
        return ctx.db.query.person.findMany(query({ where, orderBy: { name: "asc", id: "asc" } }));
      },
    },
    PersonConnection,
  ),
}));
