import { eq, inArray } from "drizzle-orm";
import type { PgInsertValue, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.js";
import { auditTable, exchangeEventTable, personTable, sourceTable } from "../db/tables.js";
import { findInChain } from "../error-chain.js";
import { ConflictError, NotFoundError } from "./errors.js";

/** Who writes: an admin key's name, or "reference-data" for the built-in data set. */
export type Actor = string;

/** The SQLSTATE of a database error, looking through drizzle's wrapper. */
export function pgCode(error: unknown): string | undefined {
  return findInChain(error, (link) => {
    const code = (link as { code?: unknown }).code;
    return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  });
}

/** Turns a unique violation that a concurrent writer won into a ConflictError. */
export async function conflictOnRace<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (pgCode(error) === "23505") throw new ConflictError(message);
    throw error;
  }
}

export async function requireSources(tx: Db, ids: number[], path: string[] = ["sourceIds"]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await tx
    .select({ id: sourceTable.id, retractedAt: sourceTable.retractedAt })
    .from(sourceTable)
    .where(inArray(sourceTable.id, unique));
  const have = new Set(found.map((r) => r.id));
  const missing = unique.filter((id) => !have.has(id));
  // The client sent global ids: name where in its list they were, never a database id.
  const at = (list: number[]) => list.map((id) => [...path, String(ids.indexOf(id))].join(".")).join(", ");
  if (missing.length > 0) throw new NotFoundError(`No source with the id given at ${at(missing)}.`, path);
  const retracted = found.filter((r) => r.retractedAt).map((r) => r.id);
  if (retracted.length > 0)
    throw new NotFoundError(`The source given at ${at(retracted)} was retracted and cannot be cited.`, path);
}

/** Why a referenced fact cannot be used: it was retracted, or (a person) merged into another. */
function notStanding(noun: string, path: string, row: { retractedAt: string | null; mergedIntoId?: number | null }) {
  if (row.mergedIntoId)
    return new NotFoundError(`The ${noun} given in ${path} was merged into another person; use that one.`, [path]);
  if (row.retractedAt) return new NotFoundError(`The ${noun} given in ${path} was retracted.`, [path]);
  return undefined;
}

/** An audit row for a write that is not a fact (API keys); facts are audited by change.ts. */
export async function audit(tx: Db, actor: Actor, action: string, entity: string, entityId: number): Promise<void> {
  await tx.insert(auditTable).values({ actor, action, entity, entityId });
}

/** Inserts join rows (fact → source, statement → subject), ignoring repeats in the list. */
export async function link(tx: Db, table: PgTable, rows: Record<string, number>[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(table)
    .values(rows as PgInsertValue<PgTable>[])
    .onConflictDoNothing();
}

export type PersonRow = typeof personTable.$inferSelect;
export type ExchangeEventRow = typeof exchangeEventTable.$inferSelect;

/**
 * The conflict of an addition or correction whose natural key another row holds: a standing one,
 * or a retracted one where retracted facts count as duplicates. The message names no database
 * id; the client reads the row's global id from `existingId`.
 */
export function duplicateOf(what: string, row: { id: number; retractedAt: string | null }): ConflictError {
  return new ConflictError(
    row.retractedAt
      ? `${what} was recorded before and has been retracted since (its id is existingId).`
      : `${what} is already recorded (its id is existingId).`,
    row.id,
  );
}

/** The first row of a query, if any. */
export async function exists<T extends { id: number }>(rows: Promise<T[]>): Promise<T | undefined> {
  return (await rows)[0];
}

export async function requirePerson(tx: Db, id: number, path: string): Promise<PersonRow> {
  const [row] = await tx.select().from(personTable).where(eq(personTable.id, id));
  if (!row) throw new NotFoundError(`No person with the id given in ${path}.`, [path]);
  const gone = notStanding("person", path, row);
  if (gone) throw gone;
  return row;
}

export async function requirePersons(tx: Db, ids: number[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx
    .select({ id: personTable.id, retractedAt: personTable.retractedAt, mergedIntoId: personTable.mergedIntoId })
    .from(personTable)
    .where(inArray(personTable.id, [...new Set(ids)]));
  const rows = new Map(found.map((r) => [r.id, r]));
  for (const [i, id] of ids.entries()) {
    const row = rows.get(id);
    // Like requirePerson: a merged person's error names the merge, not a missing id.
    const gone = row ? notStanding("person", `${field}[${i}]`, row) : undefined;
    if (!row || gone) {
      const message = gone?.message ?? `No person with the id given in ${field}[${i}].`;
      throw new NotFoundError(message, [field, String(i)]);
    }
  }
}

export async function requireExchange(tx: Db, id: number, path: string): Promise<ExchangeEventRow> {
  const [row] = await tx.select().from(exchangeEventTable).where(eq(exchangeEventTable.id, id));
  if (!row) throw new NotFoundError(`No exchange event with the id given in ${path}.`, [path]);
  const gone = notStanding("exchange event", path, row);
  if (gone) throw gone;
  return row;
}
