// Statements: one per speaker, day and text.
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { statementSourceTable, statementSubjectTable, statementTable } from "../db/tables.js";
import { type AddOptions, addFact, type FactSpec } from "./change.js";
import { type StatementInput, statementInput } from "./input.js";
import {
  type Actor,
  duplicateOf,
  exists,
  requireExchange,
  requirePerson,
  requirePersons,
  requireSources,
} from "./support.js";

export type StatementRow = typeof statementTable.$inferSelect;

export const statementSpec: FactSpec<typeof statementInput> = {
  kind: "statement",
  typename: "Statement",
  noun: "statement",
  table: statementTable,
  input: statementInput,
  lockKey: (input) => `statement:${input.speakerId}`,
  check: async (tx, input, selfId, _merging, retractedAreDuplicates) => {
    await requirePerson(tx, input.speakerId, "speakerId");
    if (input.exchangeId != null) await requireExchange(tx, input.exchangeId, "exchangeId");
    await requireSources(tx, input.sourceIds);
    await requirePersons(tx, input.subjectIds, "subjectIds");
    const same = await exists(
      tx
        .select()
        .from(statementTable)
        .where(
          and(
            selfId === undefined ? undefined : ne(statementTable.id, selfId),
            retractedAreDuplicates ? undefined : isNull(statementTable.retractedAt),
            eq(statementTable.speakerId, input.speakerId),
            eq(statementTable.saidOn, input.saidOn),
            sql`md5(${statementTable.text}) = md5(${input.text})`,
          ),
        )
        .orderBy(sql`${statementTable.retractedAt} nulls first`)
        .limit(1),
    );
    if (same) throw duplicateOf("This statement", same);
  },
  columns: ({ sourceIds: _s, subjectIds: _p, ...values }) => values,
  links: [
    {
      field: "subjectIds",
      table: statementSubjectTable,
      own: statementSubjectTable.statementId,
      row: (statementId, personId) => ({ statementId, personId }),
    },
    {
      field: "sourceIds",
      table: statementSourceTable,
      own: statementSourceTable.statementId,
      row: (statementId, sourceId) => ({ statementId, sourceId }),
    },
  ],
  duplicate: "This statement is already recorded.",
};

/** Records a statement; subscribers of statementAdded and statementChanged hear of it. */
export const addStatement = (db: Db, raw: StatementInput, actor: Actor, options?: AddOptions) =>
  addFact<typeof statementInput, StatementRow>(db, statementSpec, raw, actor, options);
