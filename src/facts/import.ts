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

type Keys = Record<"sources" | "persons" | "exchangeEvents" | "sentences", Map<string, number>>;

class BadReference extends Error {}

function ref(map: Map<string, number>, value: unknown, field: string): number {
  if (typeof value !== "string") throw new BadReference(`${field} must be a key string`);
  const id = map.get(value);
  if (id === undefined) throw new BadReference(`${field} "${value}" names no record that was added or found`);
  return id;
}
const optRef = (map: Map<string, number>, value: unknown, field: string) =>
  value === null || value === undefined ? null : ref(map, value, field);
const refs = (map: Map<string, number>, value: unknown, field: string) => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadReference(`${field} must be a list of keys`);
  return value.map((v, i) => ref(map, v, `${field}[${i}]`));
};

function strip(rec: Rec, ...names: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...rec };
  for (const name of ["key", ...names]) delete copy[name];
  return copy;
}

async function write(db: Db, kind: Kind, rec: Rec, keys: Keys, actor: Actor): Promise<number> {
  switch (kind) {
    case "sources": {
      const { publishedAt, ...rest } = strip(rec);
      const at = typeof publishedAt === "string" ? new Date(publishedAt) : publishedAt;
      return (await addSource(db, { ...rest, publishedAt: at } as never, actor)).id;
    }
    case "persons":
      return (
        await addPerson(
          db,
          { ...strip(rec, "sourceKeys"), sourceIds: refs(keys.sources, rec.sourceKeys, "sourceKeys") } as never,
          actor,
        )
      ).id;
    case "exchangeEvents":
      return (
        await addExchangeEvent(
          db,
          { ...strip(rec, "sourceKeys"), sourceIds: refs(keys.sources, rec.sourceKeys, "sourceKeys") } as never,
          actor,
        )
      ).id;
    case "sentences":
      return (
        await addSentence(
          db,
          {
            ...strip(rec, "sourceKeys", "personKey"),
            personId: ref(keys.persons, rec.personKey, "personKey"),
            sourceIds: refs(keys.sources, rec.sourceKeys, "sourceKeys"),
          } as never,
          actor,
        )
      ).id;
    case "releases":
      return (
        await addRelease(
          db,
          {
            ...strip(rec, "sourceKeys", "personKey", "exchangeKey", "sentenceKey"),
            personId: ref(keys.persons, rec.personKey, "personKey"),
            exchangeId: optRef(keys.exchangeEvents, rec.exchangeKey, "exchangeKey"),
            sentenceId: optRef(keys.sentences, rec.sentenceKey, "sentenceKey"),
            sourceIds: refs(keys.sources, rec.sourceKeys, "sourceKeys"),
          } as never,
          actor,
        )
      ).id;
    case "statements":
      return (
        await addStatement(
          db,
          {
            ...strip(rec, "sourceKeys", "speakerKey", "subjectKeys", "exchangeKey"),
            speakerId: ref(keys.persons, rec.speakerKey, "speakerKey"),
            subjectIds: refs(keys.persons, rec.subjectKeys, "subjectKeys"),
            exchangeId: optRef(keys.exchangeEvents, rec.exchangeKey, "exchangeKey"),
            sourceIds: refs(keys.sources, rec.sourceKeys, "sourceKeys"),
          } as never,
          actor,
        )
      ).id;
  }
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

export async function importFacts(
  db: Db,
  file: FactsFile,
  actor: Actor,
  onRecord?: (outcome: Outcome, done: number, total: number) => void,
): Promise<ImportSummary> {
  const keys: Keys = { sources: new Map(), persons: new Map(), exchangeEvents: new Map(), sentences: new Map() };
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
        if (typeof rec !== "object" || rec === null) throw new BadReference("must be an object");
        const id = await write(db, kind, rec, keys, actor);
        if (kind in keys) keys[kind as keyof Keys].set(key, id);
        outcome = { kind, key, status: "added" };
      } catch (error) {
        if (error instanceof ConflictError && error.existingId !== undefined) {
          if (kind in keys) keys[kind as keyof Keys].set(key, error.existingId);
          outcome = { kind, key, status: "duplicate" };
        } else if (error instanceof BadReference || isFactError(error)) {
          outcome = { kind, key, status: "rejected", reason: error.message };
          summary.rejected.push(outcome);
        } else {
          throw error;
        }
      }
      summary[kind][outcome.status] += 1;
      done += 1;
      onRecord?.(outcome, done, total);
    }
  }
  return summary;
}
