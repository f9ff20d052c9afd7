// Sources: the publications every other fact cites. One source per URL; without a URL, one per
// publisher, title and day.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { sourceTable } from "../db/tables.js";
import { ConflictError } from "./errors.js";
import { parseInput, type SourceInput, sourceInput } from "./input.js";
import { type Actor, audit, conflictOnRace, exists, lockFact } from "./support.js";

export type SourceRow = typeof sourceTable.$inferSelect;

export async function addSource(db: Db, raw: SourceInput, actor: Actor): Promise<SourceRow> {
  const input = parseInput(sourceInput, raw);
  return db.transaction(async (tx) => {
    await lockFact(tx, `source:${input.url ?? input.publisher}`);
    const same = await exists(
      tx
        .select()
        .from(sourceTable)
        .where(
          input.url
            ? eq(sourceTable.url, input.url)
            : and(
                isNull(sourceTable.url),
                eq(sourceTable.publisher, input.publisher),
                sql`${sourceTable.title} is not distinct from ${input.title ?? null}`,
                sql`${sourceTable.publishedOn} is not distinct from ${input.publishedOn ?? null}`,
              ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This source is already recorded (id ${same.id}).`, same.id);
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(sourceTable)
          .values({ ...input, recordedBy: actor })
          .returning(),
      "This source is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    await audit(tx, actor, "addSource", "source", row.id);
    return row;
  });
}
