// Court sentences: one per person, state, kind, charge and day.
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { sentenceSourceTable, sentenceTable } from "../db/tables.js";
import { type AddOptions, addFact, type FactSpec, standingWhere } from "./change.js";
import { ValidationError } from "./errors.js";
import { type SentenceInput, sentenceInput } from "./input.js";
import { type Actor, duplicateOf, exists, requirePerson, requireSources } from "./support.js";

export type SentenceRow = typeof sentenceTable.$inferSelect;

export const sentenceSpec: FactSpec<typeof sentenceInput> = {
  kind: "sentence",
  typename: "Sentence",
  noun: "sentence",
  table: sentenceTable,
  input: sentenceInput,
  lockKey: (input) => `sentence:${input.personId}`,
  check: async (tx, input, selfId, merging, retractedAreDuplicates) => {
    const person = await requirePerson(tx, input.personId, "personId");
    if (person.birthDate && input.sentencedOn && input.sentencedOn < person.birthDate) {
      throw new ValidationError([
        { path: ["sentencedOn"], message: `must not be before the person's birth (${person.birthDate})` },
      ]);
    }
    if (selfId !== undefined) {
      // A correction must not leave a release of this sentence dated before it, or of another person.
      const result = await tx.execute<{ id: number }>(sql`
        select id from release where sentence_id = ${selfId} and retracted_at is null
          and ((person_id <> ${input.personId} and person_id <> ${merging?.from ?? 0})
            or released_on < ${input.sentencedOn ?? null}::date) limit 1`);
      if (rowsOf(result).length > 0)
        throw new ValidationError([
          {
            path: ["sentencedOn"],
            message: "would leave a standing release of this sentence before it or of another person",
          },
        ]);
    }
    await requireSources(tx, input.sourceIds);
    const same = await exists(
      tx
        .select()
        .from(sentenceTable)
        .where(
          and(
            selfId === undefined ? undefined : ne(sentenceTable.id, selfId),
            retractedAreDuplicates ? undefined : isNull(sentenceTable.retractedAt),
            eq(sentenceTable.personId, input.personId),
            eq(sentenceTable.country, input.country),
            eq(sentenceTable.kind, input.kind),
            eq(sentenceTable.charge, input.charge),
            sql`${sentenceTable.sentencedOn} is not distinct from ${input.sentencedOn ?? null}`,
          ),
        )
        .orderBy(sql`${sentenceTable.retractedAt} nulls first`)
        .limit(1),
    );
    if (same) throw duplicateOf("This sentence", same);
  },
  columns: ({ sourceIds: _, ...values }) => values,
  links: [
    {
      field: "sourceIds",
      table: sentenceSourceTable,
      own: sentenceSourceTable.sentenceId,
      row: (sentenceId, sourceId) => ({ sentenceId, sourceId }),
    },
  ],
  duplicate: "This sentence is already recorded.",
};

export const addSentence = (db: Db, raw: SentenceInput, actor: Actor, options?: AddOptions) =>
  addFact<typeof sentenceInput, SentenceRow>(db, sentenceSpec, raw, actor, options);

/** Standing releases that cut this sentence short. */
export const factsOnSentence = (tx: Db, id: number) => standingWhere(tx, "release", "sentence_id", id, "Release");
