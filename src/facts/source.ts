// Sources: the publications every other fact cites. One source per URL; without a URL, one per
// publisher, title and day.
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { sourceTable } from "../db/tables.js";
import { addFact, type FactSpec, standingThrough } from "./change.js";
import { type SourceInput, sourceInput } from "./input.js";
import { type Actor, duplicateOf, exists } from "./support.js";

export type SourceRow = typeof sourceTable.$inferSelect;

export const sourceSpec: FactSpec<typeof sourceInput> = {
  kind: "source",
  typename: "Source",
  noun: "source",
  table: sourceTable,
  input: sourceInput,
  fromValues: (values) => ({
    ...values,
    publishedAt: typeof values.publishedAt === "string" ? new Date(values.publishedAt) : values.publishedAt,
  }),
  lockKey: (input) => `source:${input.url ?? input.publisher}`,
  check: async (tx, input, selfId) => {
    const same = await exists(
      tx
        .select()
        .from(sourceTable)
        .where(
          and(
            selfId === undefined ? undefined : ne(sourceTable.id, selfId),
            input.url
              ? eq(sourceTable.url, input.url)
              : and(
                  isNull(sourceTable.url),
                  eq(sourceTable.publisher, input.publisher),
                  sql`${sourceTable.title} is not distinct from ${input.title ?? null}`,
                  sql`${sourceTable.publishedOn} is not distinct from ${input.publishedOn ?? null}`,
                ),
          ),
        )
        .limit(1),
    );
    if (same) throw duplicateOf("This source", same);
  },
  columns: (input) => ({ ...input }),
  links: [],
  duplicate: "This source is already recorded.",
};

/** The standing facts that cite a source. */
export async function citersOf(tx: Db, id: number) {
  const through = (join: string, column: string, table: string, typename: string) =>
    standingThrough(tx, join, "source_id", table, column, id, typename);
  return (
    await Promise.all([
      through("person_source", "person_id", "person", "Person"),
      through("sentence_source", "sentence_id", "sentence", "Sentence"),
      through("exchange_event_source", "exchange_event_id", "exchange_event", "ExchangeEvent"),
      through("release_source", "release_id", "release", "Release"),
      through("statement_source", "statement_id", "statement", "Statement"),
    ])
  ).flat();
}

export const addSource = (db: Db, raw: SourceInput, actor: Actor) =>
  addFact<typeof sourceInput, SourceRow>(db, sourceSpec, raw, actor);
