// Exchange events, keyed by slug.
import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { exchangeEventSourceTable, exchangeEventTable } from "../db/tables.js";
import { addFact, type FactSpec, standingWhere } from "./change.js";
import { ConflictError, ValidationError } from "./errors.js";
import { type ExchangeEventInput, exchangeEventInput } from "./input.js";
import { type Actor, type ExchangeEventRow, exists, requireSources } from "./support.js";

export type { ExchangeEventRow };

export const exchangeEventSpec: FactSpec<typeof exchangeEventInput> = {
  kind: "exchangeEvent",
  typename: "ExchangeEvent",
  noun: "exchange event",
  table: exchangeEventTable,
  input: exchangeEventInput,
  check: async (tx, input, selfId) => {
    await requireSources(tx, input.sourceIds);
    if (selfId !== undefined) {
      // A correction must keep every standing release in it after it, and by one of its parties.
      const result = await tx.execute<{ id: number; released_on: string; from_country: string }>(sql`
        select id, released_on, from_country from release where exchange_id = ${selfId} and retracted_at is null
          and (released_on < ${input.occurredOn}::date
            or (cardinality(${`{${input.parties.join(",")}}`}::text[]) > 0
                and not from_country = any(${`{${input.parties.join(",")}}`}::text[])))
        limit 1`);
      const bad = rowsOf<{ id: number; released_on: string; from_country: string }>(result)[0];
      if (bad) {
        const before = String(bad.released_on) < input.occurredOn;
        throw new ValidationError([
          before
            ? { path: ["occurredOn"], message: `must not be after a release in this exchange (${bad.released_on})` }
            : {
                path: ["parties"],
                message: `must include ${bad.from_country}, which released a person in this exchange`,
              },
        ]);
      }
    }
    const same = await exists(
      tx
        .select()
        .from(exchangeEventTable)
        .where(
          and(
            eq(exchangeEventTable.slug, input.slug),
            selfId === undefined ? undefined : ne(exchangeEventTable.id, selfId),
          ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`An exchange with slug "${input.slug}" exists already.`, same.id);
  },
  columns: ({ sourceIds: _, ...values }) => values,
  links: [
    {
      field: "sourceIds",
      table: exchangeEventSourceTable,
      own: exchangeEventSourceTable.exchangeEventId,
      row: (exchangeEventId, sourceId) => ({ exchangeEventId, sourceId }),
    },
  ],
  duplicate: "An exchange with this slug exists already.",
};

export const addExchangeEvent = (db: Db, raw: ExchangeEventInput, actor: Actor) =>
  addFact<typeof exchangeEventInput, ExchangeEventRow>(db, exchangeEventSpec, raw, actor);

/** Standing releases and statements in this exchange. */
export async function factsOfExchange(tx: Db, id: number) {
  return [
    ...(await standingWhere(tx, "release", "exchange_id", id, "Release")),
    ...(await standingWhere(tx, "statement", "exchange_id", id, "Statement")),
  ];
}
