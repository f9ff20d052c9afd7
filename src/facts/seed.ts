// The built-in reference facts, loaded at the first start. All or nothing: the whole load is one
// transaction, so a start killed halfway leaves no facts behind and the next start loads them
// again. A database that an older version left half-loaded (only reference facts, fewer than
// the set holds) is completed at the next start too.
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { checkFactsFile, type ImportSummary, importFacts, KINDS } from "./import.js";

export const REFERENCE_ACTOR = "reference-data";
export const referenceFile = new URL("../data/reference-facts.json", import.meta.url);

export function readReferenceFacts() {
  return checkFactsFile(JSON.parse(readFileSync(referenceFile, "utf8")));
}

export type SeedProgress = (done: number, total: number) => void | Promise<void>;

/** Loads the built-in data set in one transaction; loading it again adds nothing. */
export function seed(db: Db, onProgress?: SeedProgress): Promise<ImportSummary> {
  const facts = readReferenceFacts();
  return db.transaction((tx) =>
    importFacts(tx as unknown as Db, facts, REFERENCE_ACTOR, (_outcome, done, total) => onProgress?.(done, total)),
  );
}

export type SeedOutcome =
  | { status: "loaded"; summary: ImportSummary }
  | { status: "completed"; found: number; summary: ImportSummary }
  | { status: "skipped"; reason: "complete" | "other facts" };

const FACT_TABLES = ["source", "person", "exchange_event", "sentence", "release", "statement"] as const;

/**
 * Loads the reference facts into a database that holds no other facts and not all of them yet:
 * an empty one, or one where an earlier load stopped halfway.
 */
export async function seedIfNeeded(db: Db, onProgress?: SeedProgress): Promise<SeedOutcome> {
  const counts = FACT_TABLES.map(
    (table) => sql`select count(*) filter (where recorded_by = ${REFERENCE_ACTOR}) as reference,
      count(*) filter (where recorded_by is distinct from ${REFERENCE_ACTOR}) as other from ${sql.identifier(table)}`,
  );
  const rows = rowsOf<{ reference: string | number; other: string | number }>(
    await db.execute(sql.join(counts, sql` union all `)),
  );
  const found = rows.reduce((n, r) => n + Number(r.reference), 0);
  if (rows.some((r) => Number(r.other) > 0)) return { status: "skipped", reason: "other facts" };
  const facts = readReferenceFacts();
  const total = KINDS.reduce((n, k) => n + (facts[k]?.length ?? 0), 0);
  if (found >= total) return { status: "skipped", reason: "complete" };
  const summary = await seed(db, onProgress);
  return found === 0 ? { status: "loaded", summary } : { status: "completed", found, summary };
}
