// Releases: at most one per person and exchange, and one per person and day.
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { releaseSourceTable, releaseTable, sentenceTable } from "../db/tables.js";
import { type AddOptions, addFact, type FactSpec } from "./change.js";
import { type FieldProblem, NotFoundError, ValidationError } from "./errors.js";
import { type ReleaseInput, releaseInput } from "./input.js";
import { type Actor, duplicateOf, exists, requireExchange, requirePerson, requireSources } from "./support.js";

export type ReleaseRow = typeof releaseTable.$inferSelect;

export const releaseSpec: FactSpec<typeof releaseInput> = {
  kind: "release",
  typename: "Release",
  noun: "release",
  table: releaseTable,
  input: releaseInput,
  lockKey: (input) => `release:${input.personId}`,
  check: async (tx, input, selfId, _merging, retractedAreDuplicates) => {
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
      if (!sentence || sentence.retractedAt)
        throw new NotFoundError(
          sentence ? "The sentence given in sentenceId was retracted." : "No sentence with the id given in sentenceId.",
          ["sentenceId"],
        );
      if (sentence.personId !== input.personId) {
        problems.push({ path: ["sentenceId"], message: "is a sentence of another person" });
      }
      if (sentence.sentencedOn && input.releasedOn < sentence.sentencedOn) {
        problems.push({ path: ["releasedOn"], message: `must not be before the sentence (${sentence.sentencedOn})` });
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
    await requireSources(tx, input.sourceIds);
    const same = await exists(
      tx
        .select()
        .from(releaseTable)
        .where(
          and(
            selfId === undefined ? undefined : ne(releaseTable.id, selfId),
            retractedAreDuplicates ? undefined : isNull(releaseTable.retractedAt),
            eq(releaseTable.personId, input.personId),
            input.exchangeId != null
              ? sql`(${releaseTable.exchangeId} = ${input.exchangeId} or ${releaseTable.releasedOn} = ${input.releasedOn})`
              : eq(releaseTable.releasedOn, input.releasedOn),
          ),
        )
        .orderBy(sql`${releaseTable.retractedAt} nulls first`)
        .limit(1),
    );
    if (same) throw duplicateOf("This person's release", same);
  },
  columns: ({ sourceIds: _, ...values }) => values,
  links: [
    {
      field: "sourceIds",
      table: releaseSourceTable,
      own: releaseSourceTable.releaseId,
      row: (releaseId, sourceId) => ({ releaseId, sourceId }),
    },
  ],
  duplicate: "This person's release is already recorded.",
};

/** Records a release; subscribers of releaseAdded and releaseChanged hear of it. */
export const addRelease = (db: Db, raw: ReleaseInput, actor: Actor, options?: AddOptions) =>
  addFact<typeof releaseInput, ReleaseRow>(db, releaseSpec, raw, actor, options);
