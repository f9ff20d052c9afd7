// Releases: at most one per person and exchange, and one per person and day. Appended to the
// feed in the same transaction, for releaseAdded subscribers.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { releaseSourceTable, releaseTable, sentenceTable } from "../db/tables.js";
import { appendFeedEvent } from "../feed/append.js";
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from "./errors.js";
import { parseInput, type ReleaseInput, releaseInput } from "./input.js";
import {
  type Actor,
  audit,
  conflictOnRace,
  exists,
  link,
  lockFact,
  requireExchange,
  requirePerson,
  requireSources,
} from "./support.js";

export type ReleaseRow = typeof releaseTable.$inferSelect;

export async function addRelease(db: Db, raw: ReleaseInput, actor: Actor): Promise<ReleaseRow> {
  const input = parseInput(releaseInput, raw);
  return db.transaction(async (tx) => {
    const person = await requirePerson(tx, input.personId, "personId");
    const problems: FieldProblem[] = [];
    if (input.toCountry && input.toCountry === input.fromCountry) {
      problems.push({ path: ["toCountry"], message: "must differ from fromCountry" });
    }
    if (person.birthDate && input.releasedOn < person.birthDate) {
      problems.push({ path: ["releasedOn"], message: `must not be before the person's birth (${person.birthDate})` });
    }
    if (input.exchangeId != null) {
      const exchange = await requireExchange(tx, input.exchangeId, "exchangeId");
      if (input.releasedOn < exchange.occurredOn) {
        problems.push({ path: ["releasedOn"], message: `must not be before the exchange (${exchange.occurredOn})` });
      }
      if (exchange.parties.length > 0 && !exchange.parties.includes(input.fromCountry)) {
        problems.push({
          path: ["fromCountry"],
          message: `must be one of the exchange's parties (${exchange.parties.join(", ")})`,
        });
      }
    }
    if (input.sentenceId != null) {
      const [sentence] = await tx.select().from(sentenceTable).where(eq(sentenceTable.id, input.sentenceId));
      if (!sentence) throw new NotFoundError("No sentence with the id given in sentenceId.", ["sentenceId"]);
      if (sentence.personId !== input.personId) {
        problems.push({ path: ["sentenceId"], message: "is a sentence of another person" });
      }
      if (sentence.sentencedOn && input.releasedOn < sentence.sentencedOn) {
        problems.push({ path: ["releasedOn"], message: `must not be before the sentence (${sentence.sentencedOn})` });
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
    await requireSources(tx, input.sourceIds);
    await lockFact(tx, `release:${input.personId}`);
    const same = await exists(
      tx
        .select()
        .from(releaseTable)
        .where(
          and(
            eq(releaseTable.personId, input.personId),
            input.exchangeId != null
              ? sql`(${releaseTable.exchangeId} = ${input.exchangeId} or ${releaseTable.releasedOn} = ${input.releasedOn})`
              : eq(releaseTable.releasedOn, input.releasedOn),
          ),
        )
        .limit(1),
    );
    if (same) throw new ConflictError(`This person's release is already recorded (id ${same.id}).`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(releaseTable)
          .values({ ...values, recordedBy: actor })
          .returning(),
      "This person's release is already recorded.",
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      releaseSourceTable,
      sourceIds.map((sourceId) => ({ releaseId: row.id, sourceId })),
    );
    await audit(tx, actor, "addRelease", "release", row.id);
    await appendFeedEvent(tx, "release", row.id);
    return row;
  });
}
