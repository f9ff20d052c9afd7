// Loads a facts file (the shape of src/data/reference-facts.json) through the same writers as
// the API, one transaction per record. Records refer to each other by `key`; a record already
// in the database counts as a duplicate and still lends its id to later references.
import type { Db } from "../db/client.js";
import { ConflictError, isFactError, ValidationError } from "./errors.js";
import type { Actor } from "./support.js";
import { addExchangeEvent, addPerson, addRelease, addSentence, addSource, addStatement } from "./write.js";

export const KINDS = ["sources", "persons", "exchangeEvents", "sentences", "releases", "statements"] as const;
export type Kind = (typeof KINDS)[number];
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

type Keys<Id> = Record<"sources" | "persons" | "exchangeEvents" | "sentences", Map<string, Id>>;

function ref<Id>(map: Map<string, Id>, value: unknown, field: string): Id {
  if (typeof value !== "string") throw new RecordRejected(`${field} must be a key string`);
  const id = map.get(value);
  if (id === undefined) throw new RecordRejected(`${field} "${value}" names no record that was added or found`);
  return id;
}
const optRef = <Id>(map: Map<string, Id>, value: unknown, field: string) =>
  value === null || value === undefined ? null : ref(map, value, field);
const refs = <Id>(map: Map<string, Id>, value: unknown, field: string) => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RecordRejected(`${field} must be a list of keys`);
  return value.map((v, i) => ref(map, v, `${field}[${i}]`));
};

function strip(rec: Rec, ...names: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...rec };
  for (const name of ["key", ...names]) delete copy[name];
  return copy;
}

/** The record as the writers' input: its keys replaced by the ids they were written under. */
function inputOf<Id>(kind: Kind, rec: Rec, keys: Keys<Id>): Record<string, unknown> {
  const sourceIds = () => refs(keys.sources, rec.sourceKeys, "sourceKeys");
  switch (kind) {
    case "sources":
      return strip(rec);
    case "persons":
    case "exchangeEvents":
      return { ...strip(rec, "sourceKeys"), sourceIds: sourceIds() };
    case "sentences":
      return {
        ...strip(rec, "sourceKeys", "personKey"),
        personId: ref(keys.persons, rec.personKey, "personKey"),
        sourceIds: sourceIds(),
      };
    case "releases":
      return {
        ...strip(rec, "sourceKeys", "personKey", "exchangeKey", "sentenceKey"),
        personId: ref(keys.persons, rec.personKey, "personKey"),
        exchangeId: optRef(keys.exchangeEvents, rec.exchangeKey, "exchangeKey"),
        sentenceId: optRef(keys.sentences, rec.sentenceKey, "sentenceKey"),
        sourceIds: sourceIds(),
      };
    case "statements":
      return {
        ...strip(rec, "sourceKeys", "speakerKey", "subjectKeys", "exchangeKey"),
        speakerId: ref(keys.persons, rec.speakerKey, "speakerKey"),
        subjectIds: refs(keys.persons, rec.subjectKeys, "subjectKeys"),
        exchangeId: optRef(keys.exchangeEvents, rec.exchangeKey, "exchangeKey"),
        sourceIds: sourceIds(),
      };
  }
}

const LOCAL_WRITERS = {
  sources: addSource,
  persons: addPerson,
  exchangeEvents: addExchangeEvent,
  sentences: addSentence,
  releases: addRelease,
  statements: addStatement,
} as const;

/** Writes through src/facts into `db`, one transaction per record, as `actor`. */
export function localWriter(db: Db, actor: Actor): RecordWriter<number> {
  return async (kind, input) => {
    const values =
      kind === "sources" && typeof input.publishedAt === "string"
        ? { ...input, publishedAt: new Date(input.publishedAt) }
        : input;
    try {
      const row = await LOCAL_WRITERS[kind](db, values as never, actor);
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
  const keys: Keys<Id> = { sources: new Map(), persons: new Map(), exchangeEvents: new Map(), sentences: new Map() };
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
        if (kind in keys) keys[kind as keyof Keys<Id>].set(key, written.id);
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
