// Exchange events, keyed by slug.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { exchangeEventSourceTable, exchangeEventTable } from "../db/tables.js";
import { ConflictError } from "./errors.js";
import { type ExchangeEventInput, exchangeEventInput, parseInput } from "./input.js";
import { type Actor, audit, conflictOnRace, type ExchangeEventRow, exists, link, requireSources } from "./support.js";

export type { ExchangeEventRow };

export async function addExchangeEvent(db: Db, raw: ExchangeEventInput, actor: Actor): Promise<ExchangeEventRow> {
  const input = parseInput(exchangeEventInput, raw);
  return db.transaction(async (tx) => {
    await requireSources(tx, input.sourceIds);
    const same = await exists(
      tx.select().from(exchangeEventTable).where(eq(exchangeEventTable.slug, input.slug)).limit(1),
    );
    if (same) throw new ConflictError(`An exchange with slug "${input.slug}" exists already.`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(exchangeEventTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      `An exchange with slug "${input.slug}" exists already.`,
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      exchangeEventSourceTable,
      sourceIds.map((sourceId) => ({ exchangeEventId: row.id, sourceId })),
    );
    await audit(tx, actor, "addExchangeEvent", "exchangeEvent", row.id);
    return row;
  });
}
