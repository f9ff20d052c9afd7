// The one write path of every kind of fact: add, correct, retract. A kind (src/facts/<kind>.ts)
// declares its table, its input rules, its references and its links to other rows in a
// FactSpec; everything else (one transaction, the version row, the audit row with before and
// after, the feed event, optimistic versions) is here, the same for all six kinds.
import { eq, sql } from "drizzle-orm";
import type { PgColumn, PgInsertValue, PgTable } from "drizzle-orm/pg-core";
import type { z } from "zod";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { appendFeedEvent } from "../feed/append.js";
import { encodeGlobalId } from "../graphql/global-id.js";
import { ConflictError, NotFoundError, ValidationError } from "./errors.js";
import { diff, type FactKindName, type FactValues, factValues, recordVersion } from "./history.js";
import { parseInput } from "./input.js";
import { type Actor, conflictOnRace, link, pgCode, requireSources } from "./support.js";

/** Rows of a join table that belong to one fact (its sources, a statement's subjects). */
export type FactLink = {
  /** The input field that lists the other ids: "sourceIds", "subjectIds". */
  field: string;
  table: PgTable;
  /** The join table's column that holds the fact's id. */
  own: PgColumn;
  /** One join row. */
  row: (id: number, other: number) => Record<string, number>;
};

type FactRow = { id: number; version: number; retractedAt: string | null };

/** A merge in progress: facts of `from` may still point at it while they move to `to`. */
export type Merging = { from: number; to: number };

export type FactSpec<Schema extends z.ZodType> = {
  kind: FactKindName;
  /** The GraphQL type name, for messages and ids. */
  typename: string;
  /** "release", "exchange event": how a message names one. */
  noun: string;
  table: PgTable & { id: PgColumn; version: PgColumn; retractedAt: PgColumn };
  input: Schema;
  /** Turns stored values back into what `input` parses (a correction starts from them). */
  fromValues?: (values: FactValues) => Record<string, unknown>;
  /**
   * Every rule beyond the input's shape: references exist and stand, cross-field rules, and no
   * other standing fact already holds the same natural key (`selfId` is the fact corrected). A
   * retracted fact no longer stands, so the same fact may be added again, unless
   * `retractedAreDuplicates` (an import run again must not bring back what was retracted).
   */
  check: (
    tx: Db,
    input: z.output<Schema>,
    selfId?: number,
    merging?: Merging,
    retractedAreDuplicates?: boolean,
  ) => Promise<void>;
  /** The row's columns from a parsed input (its links left out). */
  columns: (input: z.output<Schema>) => Record<string, unknown>;
  links: FactLink[];
  /** Serialises writers of the same natural key (a pg advisory lock key), if any. */
  lockKey?: (input: z.output<Schema>) => string;
  /** The message of a unique violation a concurrent writer won. */
  duplicate: string;
};

export type AnyFactSpec = FactSpec<any>;

const lockFact = (tx: Db, key: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);

async function writeLinks(tx: Db, spec: AnyFactSpec, id: number, input: Record<string, unknown>, replace: boolean) {
  for (const l of spec.links) {
    const ids = input[l.field] as number[] | undefined;
    if (ids === undefined) continue;
    if (replace) await tx.delete(l.table).where(eq(l.own, id));
    await link(
      tx,
      l.table,
      ids.map((other) => l.row(id, other)),
    );
  }
}

export async function writeAudit(
  tx: Db,
  a: {
    actor: Actor;
    action: string;
    kind: FactKindName;
    id: number;
    reason?: string | null;
    before?: unknown;
    after?: unknown;
  },
) {
  await tx.execute(sql`
    insert into audit (actor, action, entity, entity_id, reason, before, after)
    values (${a.actor}, ${a.action}, ${a.kind}, ${a.id}, ${a.reason ?? null},
      ${a.before === undefined ? null : JSON.stringify(a.before)}::text::jsonb,
      ${a.after === undefined ? null : JSON.stringify(a.after)}::text::jsonb)`);
}

/** How an addition treats a retracted fact with the same natural key (see FactSpec.check). */
export type AddOptions = { retractedAreDuplicates?: boolean };

/**
 * Records an addition: the row, its links, version 1, the audit row and the feed event. With
 * `retractedAreDuplicates`, a retracted fact with the same natural key is a ConflictError naming
 * it, as a standing one always is.
 */
export async function addFact<S extends z.ZodType, Row>(
  db: Db,
  spec: FactSpec<S>,
  raw: unknown,
  actor: Actor,
  options: AddOptions = {},
): Promise<Row> {
  const input = parseInput(spec.input, raw) as z.output<S> & Record<string, unknown>;
  return db.transaction(async (tx) => {
    if (spec.lockKey) await lockFact(tx, spec.lockKey(input));
    await spec.check(tx, input, undefined, undefined, options.retractedAreDuplicates);
    const [row] = (await conflictOnRace(
      () =>
        tx
          .insert(spec.table)
          .values({ ...spec.columns(input), recordedBy: actor } as PgInsertValue<PgTable>)
          .returning(),
      spec.duplicate,
    )) as (Row & { id: number })[];
    if (!row) throw new Error("insert returned no row");
    await writeLinks(tx, spec, row.id, input, false);
    const values = (await factValues(tx, spec.kind, row.id)) ?? {};
    await recordVersion(tx, { kind: spec.kind, id: row.id, version: 1, change: "ADDED", values, actor });
    await writeAudit(tx, { actor, action: `add${spec.typename}`, kind: spec.kind, id: row.id, after: values });
    await appendFeedEvent(tx, spec.kind, row.id, "ADDED", 1);
    return row;
  });
}

/** Locks a fact for a change: another admin changing it right now is a conflict, not a wait. */
export async function lockForChange(
  tx: Db,
  spec: AnyFactSpec,
  id: number,
  expectedVersion: number | null | undefined,
): Promise<FactRow> {
  let rows: FactRow[];
  try {
    rows = (await tx
      .select()
      .from(spec.table)
      .where(eq(spec.table.id, id))
      .for("update", { noWait: true })) as FactRow[];
  } catch (error) {
    if (pgCode(error) === "55P03") {
      throw new ConflictError(`This ${spec.noun} is being changed by another request; read it again and retry.`, id);
    }
    throw error;
  }
  const row = rows[0];
  if (!row) throw new NotFoundError(`No ${spec.noun} with this id.`, ["id"]);
  if (expectedVersion != null && expectedVersion !== row.version) {
    throw new ConflictError(
      `This ${spec.noun} is at version ${row.version}, not ${expectedVersion}: it was changed since you read it. Read it again and retry.`,
      id,
    );
  }
  return row;
}

function requireReason(reason: string | null | undefined, optional = false): string | null {
  if (reason == null && optional) return null;
  if (reason == null || reason.trim() === "")
    throw new ValidationError([{ path: ["reason"], message: "must not be blank" }]);
  if (reason.length > 2000)
    throw new ValidationError([{ path: ["reason"], message: "must be at most 2000 characters" }]);
  return reason;
}

export type ChangeOptions = {
  reason: string | null | undefined;
  /** Refuse with a ConflictError unless the fact is at this version. */
  expectedVersion?: number | null | undefined;
  /** updatePerson predates corrections: its reason may be left out. */
  reasonOptional?: boolean;
  merging?: Merging;
  /** Told the fact's values before and after, once the change is recorded (not when nothing changed). */
  recorded?: Recorded;
};

/** What a change recorded: the fact's values before and after it (the same for a retraction). */
export type Recorded = (before: FactValues, after: FactValues) => void;

/**
 * Corrects a fact: the patch's fields replace the stored ones (null clears one, a list replaces
 * the list), and the result must pass every rule an addition does. Nothing changed: no new
 * version. Returns the row as it stands after.
 */
export async function updateFact<Row>(
  db: Db,
  spec: AnyFactSpec,
  id: number,
  patch: Record<string, unknown>,
  actor: Actor,
  options: ChangeOptions,
): Promise<Row> {
  const reason = requireReason(options.reason, options.reasonOptional);
  return db
    .transaction(async (tx) => {
      const current = await lockForChange(tx, spec, id, options.expectedVersion);
      if (current.retractedAt)
        throw new ConflictError(`This ${spec.noun} was retracted; a retracted fact cannot be corrected.`, id);
      const before = (await factValues(tx, spec.kind, id)) ?? {};
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const stored = spec.fromValues ? spec.fromValues(before) : before;
      const input = parseCorrection(spec, { ...stored, ...given }, given);
      if (spec.lockKey) await lockFact(tx, spec.lockKey(input));
      await spec.check(tx, input, id, options.merging);
      const columns = spec.columns(input);
      await conflictOnRace(() => tx.update(spec.table).set(columns).where(eq(spec.table.id, id)), spec.duplicate);
      await writeLinks(tx, spec, id, input, true);
      const after = (await factValues(tx, spec.kind, id)) ?? {};
      const { changedFields } = diff(before, after);
      if (changedFields.length === 0) {
        // Nothing to record: undo the rewrite of identical values (and its side effects).
        throw new Unchanged(current as Row);
      }
      const version = current.version + 1;
      await tx.update(spec.table).set({ version }).where(eq(spec.table.id, id));
      await recordVersion(tx, {
        kind: spec.kind,
        id,
        version: current.version,
        change: "ADDED",
        values: before,
        actor,
      });
      await recordVersion(tx, {
        kind: spec.kind,
        id,
        version,
        change: "UPDATED",
        reason,
        changedFields,
        values: after,
        actor,
      });
      await writeAudit(tx, { actor, action: `update${spec.typename}`, kind: spec.kind, id, reason, before, after });
      await appendFeedEvent(tx, spec.kind, id, "UPDATED", version);
      const [row] = await tx.select().from(spec.table).where(eq(spec.table.id, id));
      options.recorded?.(before, after);
      return row as Row;
    })
    .catch((error: unknown) => {
      if (error instanceof Unchanged) return error.row as Row;
      throw error;
    });
}

/**
 * Parses a corrected fact; a required field the patch set to null "cannot be cleared". An
 * optional field cleared against a cross-field rule (termMonths of a TERM) keeps the rule's message.
 */
function parseCorrection(spec: AnyFactSpec, merged: Record<string, unknown>, given: Record<string, unknown>) {
  try {
    return parseInput(spec.input, merged) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const shape = (spec.input as { shape?: Record<string, z.ZodType> }).shape ?? {};
    const required = (field: string) => shape[field] !== undefined && !shape[field].safeParse(null).success;
    throw new ValidationError(
      error.fields.map((f) => {
        const field = f.path[0] as string;
        return f.path.length === 1 && given[field] === null && required(field)
          ? { ...f, message: "cannot be cleared" }
          : f;
      }),
    );
  }
}

/** Thrown out of a correction that changes nothing, to roll its transaction back. */
class Unchanged extends Error {
  constructor(readonly row: unknown) {
    super("unchanged");
  }
}

/** What still stands on a fact and so forbids retracting it: "Release UmVsZWFzZToz, …". */
export type Dependents = (tx: Db, id: number) => Promise<{ typename: string; id: number }[]>;

/**
 * Retracts a fact: it is kept, marked with when, why, by whom and on which sources, and leaves
 * every list. A fact that standing facts rest on (a cited source, a person with facts) cannot
 * be retracted: the ConflictError names them.
 */
export async function retractFact<Row>(
  db: Db,
  spec: AnyFactSpec,
  id: number,
  raw: { reason: string; sourceIds?: number[] | null | undefined; expectedVersion?: number | null | undefined },
  actor: Actor,
  dependents: Dependents,
  recorded?: Recorded,
): Promise<Row> {
  const reason = requireReason(raw.reason) as string;
  const sourceIds = [...new Set(raw.sourceIds ?? [])];
  if (sourceIds.length > 50)
    throw new ValidationError([{ path: ["sourceIds"], message: "must cite at most 50 sources" }]);
  return db.transaction(async (tx) => {
    const current = await lockForChange(tx, spec, id, raw.expectedVersion);
    if (current.retractedAt) throw new ConflictError(`This ${spec.noun} is already retracted.`, id);
    const standing = await dependents(tx, id);
    if (standing.length > 0) {
      const named = standing.map((d) => `${d.typename} ${encodeGlobalId(d.typename, d.id)}`).join(", ");
      throw new ConflictError(
        `This ${spec.noun} cannot be retracted while standing facts rest on it: ${named}. Retract or correct them first.`,
        id,
        standing,
      );
    }
    await requireSources(tx, sourceIds);
    const values = (await factValues(tx, spec.kind, id)) ?? {};
    const version = current.version + 1;
    await tx.execute(sql`
      update ${spec.table} set version = ${version}, retracted_at = now(), retraction_reason = ${reason},
        retracted_by = ${actor}, retraction_source_ids = ${`{${sourceIds.join(",")}}`}::integer[]
      where id = ${id}`);
    await recordVersion(tx, { kind: spec.kind, id, version: current.version, change: "ADDED", values, actor });
    await recordVersion(tx, { kind: spec.kind, id, version, change: "RETRACTED", reason, values, actor });
    await writeAudit(tx, {
      actor,
      action: `retract${spec.typename}`,
      kind: spec.kind,
      id,
      reason,
      before: values,
      after: values,
    });
    await appendFeedEvent(tx, spec.kind, id, "RETRACTED", version);
    const [row] = await tx.select().from(spec.table).where(eq(spec.table.id, id));
    recorded?.(values, values);
    return row as Row;
  });
}

/** Ids of standing rows of `table` whose `column` is `id`: what a retraction would strand. */
export async function standingWhere(
  tx: Db,
  table: string,
  column: string,
  id: number,
  typename: string,
): Promise<{ typename: string; id: number }[]> {
  const result = await tx.execute<{ id: number }>(
    sql`select id from ${sql.identifier(table)} where ${sql.identifier(column)} = ${id} and retracted_at is null order by id limit 20`,
  );
  return rowsOf<{ id: number }>(result).map((r) => ({ typename, id: Number(r.id) }));
}

/** Standing facts linked through a join table (a source's citers, a person's mentions). */
export async function standingThrough(
  tx: Db,
  join: string,
  joinColumn: string,
  factTable: string,
  factColumn: string,
  id: number,
  typename: string,
): Promise<{ typename: string; id: number }[]> {
  const result = await tx.execute<{ id: number }>(sql`
    select f.id from ${sql.identifier(join)} j join ${sql.identifier(factTable)} f on f.id = j.${sql.identifier(factColumn)}
    where j.${sql.identifier(joinColumn)} = ${id} and f.retracted_at is null order by f.id limit 20`);
  return rowsOf<{ id: number }>(result).map((r) => ({ typename, id: Number(r.id) }));
}
