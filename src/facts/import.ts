// Loads a facts file (the shape of src/data/reference-facts.json) through the same writers as
// the API, one transaction per record. Records refer to each other by `key`; a record already
// in the database counts as a duplicate and still lends its id to later references.
import type { Db } from "../db/client.js";
import { addFact } from "./change.js";
import { ConflictError, isFactError, ValidationError } from "./errors.js";
import { type FACT_KINDS, KIND_ENTRIES } from "./kinds.js";
import type { Actor } from "./support.js";

/** The facts file's lists, in the order they are written: a kind after the kinds it refers to. */
export type Kind = (typeof FACT_KINDS)[keyof typeof FACT_KINDS]["file"]["key"];
export const KINDS: readonly Kind[] = KIND_ENTRIES.map((entry) => entry.file.key);
const ENTRY = Object.fromEntries(KIND_ENTRIES.map((entry) => [entry.file.key, entry])) as Record<
  Kind,
  (typeof KIND_ENTRIES)[number]
>;
type Rec = Record<string, unknown> & { key?: unknown };
export type FactsFile = Partial<Record<Kind, Rec[]>>;

export type Outcome = { kind: Kind; key: string; status: "added" | "duplicate" | "rejected"; reason?: string };
export type ImportSummary = Record<Kind, { added: number; duplicate: number; rejected: number }> & {
  rejected: Outcome[];
};

/** How a record is written: locally through src/facts, or through a running service's API. */
export type RecordWriter<Id> = (kind: Kind, input: Record<string, unknown>) => Promise<Written<Id>>;
/** A record written, or found already recorded under that id. */
export type Written<Id> = { status: "added" | "duplicate"; id: Id };

/** A record refused for a reason of its own: it is reported, and the import goes on. */
export class RecordRejected extends Error {}

/** The ids each record was written (or found) under, by kind and key. */
type Keys<Id> = Map<Kind, Map<string, Id>>;

function ref<Id>(keys: Keys<Id>, to: Kind, value: unknown, field: string): Id {
  if (typeof value !== "string") throw new RecordRejected(`${field} must be a key string`);
  const id = keys.get(to)?.get(value);
  if (id === undefined) throw new RecordRejected(`${field} "${value}" names no record that was added or found`);
  return id;
}

/** The record as the writers' input: its keys replaced by the ids they were written under. */
function inputOf<Id>(kind: Kind, rec: Rec, keys: Keys<Id>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...rec };
  delete input.key;
  for (const { from, field, to, many, optional } of ENTRY[kind].file.refs) {
    const value = rec[from];
    delete input[from];
    if (many) {
      if (value === undefined || value === null) input[field] = [];
      else if (!Array.isArray(value)) throw new RecordRejected(`${from} must be a list of keys`);
      else input[field] = value.map((v, i) => ref(keys, to, v, `${from}[${i}]`));
    } else if (optional && (value === undefined || value === null)) input[field] = null;
    else input[field] = ref(keys, to, value, from);
  }
  return input;
}

/** Writes through src/facts into `db`, one transaction per record, as `actor`. */
export function localWriter(db: Db, actor: Actor): RecordWriter<number> {
  return async (kind, input) => {
    const values =
      kind === "sources" && typeof input.publishedAt === "string"
        ? { ...input, publishedAt: new Date(input.publishedAt) }
        : input;
    try {
      const row = await addFact<(typeof ENTRY)[Kind]["spec"]["input"], { id: number }>(
        db,
        ENTRY[kind].spec,
        values,
        actor,
        // A file run again must not bring back a fact retracted since: it counts as a duplicate.
        { retractedAreDuplicates: true },
      );
      return { status: "added", id: row.id };
    } catch (error) {
      if (error instanceof ConflictError && error.existingId !== undefined) {
        return { status: "duplicate", id: error.existingId };
      }
      throw error;
    }
  };
}

/** Checks the outer shape of a facts file; the records themselves are checked one by one. */
export function checkFactsFile(value: unknown): FactsFile {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError([{ path: [], message: "a facts file must be a JSON object" }]);
  }
  const problems = [];
  for (const kind of KINDS) {
    const list = (value as Record<string, unknown>)[kind];
    if (list !== undefined && !Array.isArray(list)) problems.push({ path: [kind], message: "must be a list" });
  }
  const unknown = Object.keys(value).filter((k) => !(KINDS as readonly string[]).includes(k));
  for (const k of unknown) problems.push({ path: [k], message: `is not a kind of fact (${KINDS.join(", ")})` });
  if (problems.length > 0) throw new ValidationError(problems);
  return value as FactsFile;
}

/** Imports into `db` through src/facts, one transaction per record. */
export function importFacts(
  db: Db,
  file: FactsFile,
  actor: Actor,
  /** Called after each record; the next waits for what it returns. */
  onRecord?: (outcome: Outcome, done: number, total: number) => void | Promise<void>,
): Promise<ImportSummary> {
  return importRecords(localWriter(db, actor), file, onRecord);
}

/** Writes every record in order with `writer`, reporting each; a rejected record does not stop it. */
export async function importRecords<Id>(
  writer: RecordWriter<Id>,
  file: FactsFile,
  onRecord?: (outcome: Outcome, done: number, total: number) => void | Promise<void>,
): Promise<ImportSummary> {
  const keys: Keys<Id> = new Map(KINDS.map((kind) => [kind, new Map()]));
  const summary = Object.fromEntries(
    KINDS.map((k) => [k, { added: 0, duplicate: 0, rejected: 0 }]),
  ) as unknown as ImportSummary;
  summary.rejected = [];
  const total = KINDS.reduce((n, k) => n + (file[k]?.length ?? 0), 0);
  let done = 0;
  for (const kind of KINDS) {
    for (const [index, rec] of (file[kind] ?? []).entries()) {
      const key = typeof rec?.key === "string" && rec.key ? rec.key : `${kind}[${index}]`;
      let outcome: Outcome;
      try {
        if (typeof rec !== "object" || rec === null) throw new RecordRejected("must be an object");
        const written = await writer(kind, inputOf(kind, rec, keys));
        keys.get(kind)?.set(key, written.id);
        outcome = { kind, key, status: written.status };
      } catch (error) {
        if (!(error instanceof RecordRejected || isFactError(error))) throw error;
        outcome = { kind, key, status: "rejected", reason: error.message };
        summary.rejected.push(outcome);
      }
      summary[kind][outcome.status] += 1;
      done += 1;
      await onRecord?.(outcome, done, total);
    }
  }
  return summary;
}
