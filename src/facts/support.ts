import { inArray, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.js";
import { auditTable, sourceTable } from "../db/tables.js";
import { ConflictError, NotFoundError } from "./errors.js";

/** Who writes: an admin key's name, or "reference-data" for the built-in data set. */
export type Actor = string;

/** The SQLSTATE of a database error, looking through drizzle's wrapper. */
export function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
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
  const found = await tx.select({ id: sourceTable.id }).from(sourceTable).where(inArray(sourceTable.id, unique));
  const have = new Set(found.map((r) => r.id));
  const missing = unique.filter((id) => !have.has(id));
  if (missing.length > 0) throw new NotFoundError(`No source with id ${missing.join(", ")}.`, path);
}

export async function audit(tx: Db, actor: Actor, action: string, entity: string, entityId: number): Promise<void> {
  await tx.insert(auditTable).values({ actor, action, entity, entityId });
}

/** Inserts join rows (fact → source, statement → subject), ignoring repeats in the list. */
export async function link(tx: Db, table: PgTable, rows: Record<string, number>[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(table)
    .values(rows as never)
    .onConflictDoNothing();
}

export const lockFact = (tx: Db, key: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
