// Versions of facts: every addition, correction, retraction and merge writes one fact_version
// row with the fact's values after it, made by the fact_values() SQL function (see the
// fact_history migration), so that history, audit and feed all read the same values.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import type { FACT_CHANGES, FACT_KIND_NAMES } from "../db/tables.js";

export type FactKindName = (typeof FACT_KIND_NAMES)[number];
export type FactChange = (typeof FACT_CHANGES)[number];
/** A fact's fields as Update…Input names them, references as database ids. */
export type FactValues = Record<string, unknown>;

/** The fact's values as they stand in this transaction; undefined when it does not exist. */
export async function factValues(tx: Db, kind: FactKindName, id: number): Promise<FactValues | undefined> {
  const result = await tx.execute<{ values: FactValues | string | null }>(
    sql`select fact_values(${kind}, ${id}) as "values"`,
  );
  const raw = rowsOf<{ values: FactValues | string | null }>(result)[0]?.values;
  if (raw == null) return undefined;
  return typeof raw === "string" ? (JSON.parse(raw) as FactValues) : raw;
}

export type VersionRecord = {
  kind: FactKindName;
  id: number;
  version: number;
  change: FactChange;
  reason?: string | null | undefined;
  changedFields?: string[];
  values: FactValues;
  actor: string;
};

/** Writes one version row. A version already there (a fact loaded in bulk, not through here) is kept. */
export async function recordVersion(tx: Db, v: VersionRecord): Promise<void> {
  await tx.execute(sql`
    insert into fact_version (kind, entity_id, version, change, reason, changed_fields, "values", recorded_by)
    values (${v.kind}, ${v.id}, ${v.version}, ${v.change}, ${v.reason ?? null},
      ${`{${(v.changedFields ?? []).map((f) => `"${f}"`).join(",")}}`}::text[], ${JSON.stringify(v.values)}::text::jsonb,
      ${v.actor})
    on conflict do nothing`);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields whose values differ, and their values before. */
export function diff(before: FactValues, after: FactValues): { changedFields: string[]; previous: FactValues } {
  const changedFields = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((field) => !same(before[field], after[field]))
    .sort();
  const previous = Object.fromEntries(changedFields.map((field) => [field, before[field] ?? null]));
  return { changedFields, previous };
}
