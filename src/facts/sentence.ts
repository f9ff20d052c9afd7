// Court sentences: one per person, state, kind, charge and day.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { sentenceSourceTable, sentenceTable } from "../db/tables.js";
import { ConflictError, ValidationError } from "./errors.js";
import { parseInput, type SentenceInput, sentenceInput } from "./input.js";
import { type Actor, audit, conflictOnRace, exists, link, lockFact, requirePerson, requireSources } from "./support.js";

export type SentenceRow = typeof sentenceTable.$inferSelect;

export async function addSentence(db: Db, raw: SentenceInput, actor: Actor): Promise<SentenceRow> {
  const input = parseInput(sentenceInput, raw);
  return db.transaction(async (tx) => {
    const person = await requirePerson(tx, input.personId, "personId");
    if (person.birthDate && input.sentencedOn && input.sentencedOn < person.birthDate) {
      throw new ValidationError([
        { path: ["sentencedOn"], message: `must not be before the person's birth (${person.birthDate})` },
      ]);
    }
    await requireSources(tx, input.sourceIds);
    await lockFact(tx, `sentence:${input.personId}`);
    const same = await exists(
      tx
        .select()
        .from(sentenceTable)
        .where(
          and(
            eq(sentenceTable.personId, input.personId),
            eq(sentenceTable.country, input.country),
            eq(sentenceTable.kind, input.kind),
            eq(sentenceTable.charge, input.charge),
            sql`${sentenceTable.sentencedOn} is not distinct from ${input.sentencedOn ?? null}`,
          ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This sentence is already recorded (id ${same.id}).`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(sentenceTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      "This sentence is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      sentenceSourceTable,
      sourceIds.map((sourceId) => ({ sentenceId: row.id, sourceId })),
    );
    await audit(tx, actor, "addSentence", "sentence", row.id);
    return row;
  });
}
