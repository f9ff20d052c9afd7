// Merging a person typed in twice ("Krassikov" beside Vadim Krasikov): every fact of the merged
// person moves to the kept one through the ordinary correction path (so every rule, version,
// audit row and feed event is the same as for a hand-made correction). A fact that becomes a
// duplicate of one the kept person already has gives its sources to that one and is retracted.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { personTable, releaseTable, sentenceTable } from "../db/tables.js";
import { appendFeedEvent } from "../feed/append.js";
import { type AnyFactSpec, lockForChange, retractFact, updateFact, writeAudit } from "./change.js";
import { ConflictError, NotFoundError, ValidationError } from "./errors.js";
import { factValues, recordVersion } from "./history.js";
import { personSpec } from "./person.js";
import { releaseSpec } from "./release.js";
import { sentenceSpec } from "./sentence.js";
import { statementSpec } from "./statement.js";
import type { Actor, PersonRow } from "./support.js";

export type FactRef = { typename: string; id: number };
export type MergeResult = {
  kept: PersonRow;
  merged: PersonRow;
  /** Facts now recorded on the kept person. */
  moved: FactRef[];
  /** Facts that duplicated one of the kept person's: retracted, their sources given to `into`. */
  reconciled: { duplicate: FactRef; into: FactRef }[];
};

const idsOf = (values: Record<string, unknown> | undefined, field: string) =>
  ((values?.[field] as number[] | undefined) ?? []).map(Number);
const union = (...lists: number[][]) => [...new Set(lists.flat())].sort((a, b) => a - b);

export async function mergePersons(
  db: Db,
  keepId: number,
  mergeId: number,
  reason: string,
  actor: Actor,
): Promise<MergeResult> {
  if (keepId === mergeId) throw new ValidationError([{ path: ["mergeId"], message: "must differ from keepId" }]);
  if (reason.trim() === "") throw new ValidationError([{ path: ["reason"], message: "must not be blank" }]);
  return db.transaction(async (tx) => {
    // Both rows locked in id order, so two merges of the same pair cannot deadlock.
    const given = [
      [keepId, "keepId"],
      [mergeId, "mergeId"],
    ] as const;
    for (const [id, field] of [...given].sort((a, b) => a[0] - b[0])) {
      await lockForChange(tx, personSpec, id, undefined).catch((error: unknown) => {
        // Name the argument that names nobody, as the add mutations do.
        throw error instanceof NotFoundError
          ? new NotFoundError(`No person with the id given in ${field}.`, [field])
          : error;
      });
    }
    const [keep] = await tx.select().from(personTable).where(eq(personTable.id, keepId));
    const [merge] = await tx.select().from(personTable).where(eq(personTable.id, mergeId));
    for (const [person, field] of [
      [keep, "keepId"],
      [merge, "mergeId"],
    ] as const) {
      if (person?.mergedIntoId)
        throw new ConflictError(`The person given in ${field} was already merged into another.`, person.id);
      if (person?.retractedAt) throw new ConflictError(`The person given in ${field} was retracted.`, person.id);
    }
    if (!keep || !merge) throw new Error("locked persons vanished");
    const why = `Merging person ${merge.slug} into ${keep.slug}: ${reason}`;
    const result: MergeResult = { kept: keep, merged: merge, moved: [], reconciled: [] };
    const duplicates: { spec: AnyFactSpec; id: number; into: number }[] = [];
    const merging = { from: mergeId, to: keepId };

    /** Moves one fact by a correction; a duplicate of the kept person's hands over its sources. */
    const move = async (spec: AnyFactSpec, id: number, patch: Record<string, unknown>): Promise<number> => {
      try {
        await updateFact(tx, spec, id, patch, actor, { reason: why, merging });
        result.moved.push({ typename: spec.typename, id });
        return id;
      } catch (error) {
        if (!(error instanceof ConflictError) || error.existingId === undefined || error.existingId === id) throw error;
        const into = error.existingId;
        const mine = await factValues(tx, spec.kind, id);
        const theirs = await factValues(tx, spec.kind, into);
        const handOver: Record<string, unknown> = {
          sourceIds: union(idsOf(mine, "sourceIds"), idsOf(theirs, "sourceIds")),
        };
        if (spec.kind === "statement") {
          handOver.subjectIds = union(
            idsOf(theirs, "subjectIds"),
            idsOf(mine, "subjectIds").map((p) => (p === mergeId ? keepId : p)),
          );
        }
        await updateFact(tx, spec, into, handOver, actor, { reason: why });
        duplicates.push({ spec, id, into });
        result.reconciled.push({
          duplicate: { typename: spec.typename, id },
          into: { typename: spec.typename, id: into },
        });
        return into;
      }
    };

    const sentenceMap = new Map<number, number>();
    for (const s of await tx
      .select({ id: sentenceTable.id })
      .from(sentenceTable)
      .where(and(eq(sentenceTable.personId, mergeId), isNull(sentenceTable.retractedAt)))
      .orderBy(asc(sentenceTable.id))) {
      sentenceMap.set(s.id, await move(sentenceSpec, s.id, { personId: keepId }));
    }
    for (const r of await tx
      .select({ id: releaseTable.id, sentenceId: releaseTable.sentenceId })
      .from(releaseTable)
      .where(and(eq(releaseTable.personId, mergeId), isNull(releaseTable.retractedAt)))
      .orderBy(asc(releaseTable.id))) {
      const sentenceId = r.sentenceId == null ? null : (sentenceMap.get(r.sentenceId) ?? r.sentenceId);
      await move(releaseSpec, r.id, { personId: keepId, sentenceId });
    }
    // Releases of the kept person that cite a sentence merged into another. Not the merged
    // person's duplicates: they keep their sentence until both are retracted below.
    for (const [from, to] of sentenceMap) {
      if (from === to) continue;
      for (const r of await tx
        .select({ id: releaseTable.id })
        .from(releaseTable)
        .where(
          and(eq(releaseTable.sentenceId, from), eq(releaseTable.personId, keepId), isNull(releaseTable.retractedAt)),
        )) {
        await move(releaseSpec, r.id, { sentenceId: to });
      }
    }
    // Statements by the merged person, then those that only mention it.
    const mentions = rowsOf<{ id: number }>(
      await tx.execute<{ id: number }>(sql`
        select s.id from statement s where s.retracted_at is null and (s.speaker_id = ${mergeId}
          or exists (select 1 from statement_subject j where j.statement_id = s.id and j.person_id = ${mergeId}))
        order by s.id`),
    );
    for (const { id } of mentions) {
      const values = await factValues(tx, "statement", Number(id));
      const patch: Record<string, unknown> = {
        subjectIds: union(idsOf(values, "subjectIds").map((p) => (p === mergeId ? keepId : p))),
      };
      if (Number(values?.speakerId) === mergeId) patch.speakerId = keepId;
      await move(statementSpec, Number(id), patch);
    }
    for (const d of duplicates.reverse()) {
      await retractFact(
        tx,
        d.spec,
        d.id,
        { reason: `Duplicate of ${d.spec.typename} ${d.into} after merging: ${why}` },
        actor,
        async () => [],
      );
    }
    // The kept person takes the merged one's name, aliases and sources.
    const names = [merge.name, ...merge.aliases, ...keep.aliases].filter((n) => n !== keep.name);
    const aliases = [...new Set(names)].slice(0, 50);
    const mergeValues = await factValues(tx, "person", mergeId);
    const keepValues = await factValues(tx, "person", keepId);
    await updateFact(
      tx,
      personSpec,
      keepId,
      { aliases, sourceIds: union(idsOf(keepValues, "sourceIds"), idsOf(mergeValues, "sourceIds")) },
      actor,
      { reason: why },
    );
    // The merged person stays addressable, marked as merged, out of every list.
    const version = merge.version + 1;
    await tx.execute(sql`
      update person set version = ${version}, merged_into_id = ${keepId}, retracted_at = now(),
        retraction_reason = ${why}, retracted_by = ${actor}, retraction_source_ids = '{}'
      where id = ${mergeId}`);
    const values = mergeValues ?? {};
    await recordVersion(tx, { kind: "person", id: mergeId, version: merge.version, change: "ADDED", values, actor });
    await recordVersion(tx, {
      kind: "person",
      id: mergeId,
      version,
      change: "MERGED",
      reason,
      changedFields: ["mergedIntoId"],
      values: { ...values, mergedIntoId: keepId },
      actor,
    });
    await writeAudit(tx, {
      actor,
      action: "mergePersons",
      kind: "person",
      id: mergeId,
      reason,
      before: values,
      after: { ...values, mergedIntoId: keepId },
    });
    await appendFeedEvent(tx, "person", mergeId, "MERGED", version);
    const [kept] = await tx.select().from(personTable).where(eq(personTable.id, keepId));
    const [merged] = await tx.select().from(personTable).where(eq(personTable.id, mergeId));
    if (!kept || !merged) throw new Error("merged persons vanished");
    return { ...result, kept, merged };
  });
}
