import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { checkFactsFile, type ImportSummary, importFacts } from "./import.js";

export const REFERENCE_ACTOR = "reference-data";
export const referenceFile = new URL("../data/reference-facts.json", import.meta.url);

export function readReferenceFacts() {
  return checkFactsFile(JSON.parse(readFileSync(referenceFile, "utf8")));
}

/** Loads the built-in data set; loading it again adds nothing. */
export function seed(db: Db): Promise<ImportSummary> {
  return importFacts(db, readReferenceFacts(), REFERENCE_ACTOR);
}

/** Loads the built-in data set only into a database that holds no facts yet. */
export async function seedIfEmpty(db: Db): Promise<ImportSummary | undefined> {
  const [row] = rowsOf<{ empty: boolean }>(
    await db.execute(sql`select not exists (select 1 from person) and not exists (select 1 from source) as empty`),
  );
  return row?.empty ? seed(db) : undefined;
}
