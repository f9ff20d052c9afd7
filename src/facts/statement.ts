// Statements: one per speaker, day and text. Appended to the feed in the same transaction, for
// statementAdded subscribers.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { statementSourceTable, statementSubjectTable, statementTable } from "../db/tables.js";
import { appendFeedEvent } from "../feed/append.js";
import { ConflictError } from "./errors.js";
import { parseInput, type StatementInput, statementInput } from "./input.js";
import {
  type Actor,
  audit,
  conflictOnRace,
  exists,
  link,
  lockFact,
  requireExchange,
  requirePerson,
  requirePersons,
  requireSources,
} from "./support.js";

export type StatementRow = typeof statementTable.$inferSelect;

export async function addStatement(db: Db, raw: StatementInput, actor: Actor): Promise<StatementRow> {
  const input = parseInput(statementInput, raw);
  return db.transaction(async (tx) => {
    await requirePerson(tx, input.speakerId, "speakerId");
    if (input.exchangeId != null) await requireExchange(tx, input.exchangeId, "exchangeId");
    await requireSources(tx, input.sourceIds);
    await lockFact(tx, `statement:${input.speakerId}`);
    const same = await exists(
      tx
        .select()
        .from(statementTable)
        .where(
          and(
            eq(statementTable.speakerId, input.speakerId),
            eq(statementTable.saidOn, input.saidOn),
            sql`md5(${statementTable.text}) = md5(${input.text})`,
          ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This statement is already recorded (id ${same.id}).`, same.id);
    const { sourceIds, subjectIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(statementTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      "This statement is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    // Subjects are checked where they are linked, in one query; a missing one rolls back the
    // statement row inserted above with everything else.
    await requirePersons(tx, subjectIds, "subjectIds");
    await link(
      tx,
      statementSubjectTable,
      subjectIds.map((personId) => ({ statementId: row.id, personId })),
    );
    await link(
      tx,
      statementSourceTable,
      sourceIds.map((sourceId) => ({ statementId: row.id, sourceId })),
    );
    await audit(tx, actor, "addStatement", "statement", row.id);
    await appendFeedEvent(tx, "statement", row.id);
    return row;
  });
}
