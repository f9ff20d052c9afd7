// The store behind the response cache: an LRU bounded by answers and by bytes, with what "exact"
// needs on top of it. Each entry is filed as an entity answer or a list answer (see changes.ts),
// so that a write drops every list answer and only the entity answers that hold what it touched;
// and an answer whose execution began before an invalidation is never stored, since it may have
// read the database before the write committed.
import { createHash } from "node:crypto";
import type { Cache } from "@graphql-yoga/plugin-response-cache";
import stableJson from "fast-json-stable-stringify";
import { type DocumentNode, Kind, parse, type SelectionSetNode } from "graphql";
import { LRUCache } from "lru-cache";
import { type Change, DROPPED_BY_ID, type Entity, invalidationOf } from "./changes.js";

/** Root fields that look one object up by key: an answer made only of these is an entity answer. */
const LOOKUPS = new Set(["node", "nodes", "exchangeEvent", "__typename"]);
/** Lookups that can find a fact of any type, a release or statement too (see `indexed`). */
const ANY_TYPE = new Set(["node", "nodes"]);
/** Filed under this pseudo-type, list answers are dropped together (no GraphQL name has a '#'). */
const LISTS = { typename: "#lists" };
/** Documents whose class is remembered, and their text in all: a document longer than a tenth
 * of that is filed as a list answer without being parsed (which is always safe: any write drops
 * list answers), so that no one document can take the memo. */
const MEMO = { documents: 2000, chars: 4 * 1024 * 1024 };

type Result = Parameters<Cache["set"]>[1];

/**
 * Heap bytes an answer holds per character of its JSON text: the text, the result read back from
 * it, and its entries in the index of entities. Measured with the bench's data (heap after a full
 * collection, 1,000 answers): 4.7 for the nested read, 3.2 for pages of 100 persons.
 */
const BYTES_PER_CHAR = 5;
/** An answer may take at most this share of the byte budget; a larger one is not stored. */
const LARGEST_SHARE = 10;

/**
 * Envelop's in-memory store (createInMemoryCache) bounds the number of answers only: a client
 * that pages through statements of 100,000 characters, 100 at a time, could make each answer
 * tens of MB and the cache tens of GB. This one is the same LRU, bounded by bytes as well, with
 * an index from each entity (a type, or a type and id) to the answers that hold it: only from
 * the entities that `indexed` names, since the index is most of what an answer holds (a nested
 * read names some 130 objects).
 */
class AnswerStore {
  readonly #answers: LRUCache<string, Result>;
  readonly #keysOf = new Map<string, Set<string>>();
  readonly #entitiesOf = new Map<string, string[]>();

  constructor(
    max: number,
    maxBytes: number,
    private readonly indexed: (key: string, typename: string, id: string | number | undefined) => boolean,
  ) {
    this.#answers = new LRUCache<string, Result>({
      max,
      maxSize: maxBytes,
      maxEntrySize: Math.floor(maxBytes / LARGEST_SHARE),
      // Evicted, replaced, expired or dropped: the index forgets it too.
      dispose: (_answer, key) => this.#unlink(key),
    });
  }

  get(key: string): Result | undefined {
    return this.#answers.get(key);
  }

  set(
    key: string,
    answer: Result,
    bytes: number,
    entities: Iterable<{ typename: string; id?: string | number }>,
    ttl: number,
  ) {
    this.#answers.set(key, answer, { size: bytes, ...(Number.isFinite(ttl) && ttl > 0 ? { ttl } : {}) });
    // Too large for the budget: not stored (and an older answer under the key is gone).
    if (!this.#answers.has(key)) return;
    const ids = new Set<string>();
    for (const { typename, id } of entities) {
      if (this.indexed(key, typename, id ?? undefined)) ids.add(id == null ? typename : `${typename}:${id}`);
    }
    this.#entitiesOf.set(key, [...ids]);
    for (const id of ids) {
      const keys = this.#keysOf.get(id);
      if (keys) keys.add(key);
      else this.#keysOf.set(id, new Set([key]));
    }
  }

  invalidate(entities: Iterable<Entity | { typename: string; id?: string | number }>): void {
    for (const { typename, id } of entities) {
      for (const key of [...(this.#keysOf.get(id == null ? typename : `${typename}:${id}`) ?? [])]) {
        this.#answers.delete(key);
      }
    }
  }

  #unlink(key: string): void {
    for (const id of this.#entitiesOf.get(key) ?? []) {
      const keys = this.#keysOf.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.#keysOf.delete(id);
    }
    this.#entitiesOf.delete(key);
  }
}

export class ResponseCache implements Cache {
  readonly max: number;
  readonly maxBytes: number;
  #store: AnswerStore;
  #epoch = 0;
  readonly #startedAt = new WeakMap<object, number>();
  /** Per mutation: how many of its fields said what they wrote (or that they wrote nothing). */
  readonly #reported = new WeakMap<object, number>();
  readonly #classOf = new LRUCache<string, AnswerClass>({
    max: MEMO.documents,
    maxSize: MEMO.chars,
    sizeCalculation: (_class, text) => Math.max(1, text.length),
  });

  /** `max` answers, holding about `maxBytes` of heap in all (BYTES_PER_CHAR). */
  constructor(max: number, maxBytes: number) {
    this.max = max;
    this.maxBytes = maxBytes;
    this.#store = new AnswerStore(max, maxBytes, indexed);
  }

  /** `E:`, `N:` or `L:` (the answer's class), then a SHA-256 of what the answer depends on. */
  key(documentString: unknown, operationName: unknown, variables: unknown): string {
    // Runs before Yoga checks the parameters: a malformed one must reach that check (a 400).
    const hash = createHash("sha256")
      .update(typeof documentString === "string" ? documentString : stableJson(documentString ?? null))
      .update("\0")
      .update(stableJson(operationName ?? null))
      .update("\0")
      .update(stableJson(variables ?? {}))
      .digest("base64url");
    return `${typeof documentString === "string" ? this.#documentClass(documentString) : "L"}:${hash}`;
  }

  get(key: string): Result | null {
    return this.#store.get(key) ?? null;
  }

  set(key: string, result: Result, entities: Iterable<{ typename: string; id?: string | number }>, ttl: number): void {
    const isList = key.startsWith("L:") || hasNullRoot(result.data);
    const { answer, text } = serialisedOnce(result);
    const bytes = (text.length + key.length) * BYTES_PER_CHAR;
    this.#store.set(key, answer, bytes, isList ? [...entities, LISTS] : entities, ttl);
  }

  /** For the cache's mutation hook, which this app leaves off: whatever it names, drop everything. */
  invalidate(_entities: Iterable<Entity>): void {
    this.apply({ kind: "unknown" });
  }

  /** Drops what a write can have changed. */
  apply(change: Change): void {
    this.#epoch++;
    const plan = invalidationOf(change);
    if (plan.all) this.#store = new AnswerStore(this.max, this.maxBytes, indexed);
    else this.#store.invalidate([LISTS, ...plan.entities]);
  }

  /** An execution begins: remember when, to refuse storing its answer if a write came since. */
  begin(context: object): void {
    this.#startedAt.set(context, this.#epoch);
  }

  /** Whether no invalidation happened since this execution began. */
  current(context: object): boolean {
    return this.#startedAt.get(context) === this.#epoch;
  }

  /** A mutation's field described its write precisely (else the whole cache is dropped). */
  reported(context: object, change: Change): void {
    this.#count(context);
    this.apply(change);
  }

  /** A mutation's field was refused before anything was written: nothing to drop. */
  nothingWritten(context: object): void {
    this.#count(context);
  }

  /** How many fields of this mutation said what they wrote. */
  reports(context: object): number {
    return this.#reported.get(context) ?? 0;
  }

  #count(context: object): void {
    this.#reported.set(context, this.reports(context) + 1);
  }

  #documentClass(documentString: string): AnswerClass {
    if (documentString.length > MEMO.chars / 10) return "L";
    let known = this.#classOf.get(documentString);
    if (known === undefined) {
      known = classify(documentString);
      this.#classOf.set(documentString, known);
    }
    return known;
  }
}

/**
 * What a write drops answers by (see `apply`): the list answers, and objects of DROPPED_BY_ID;
 * in an answer to `node` or `nodes`, every object, since the object looked up may be a release
 * or statement that no indexed object holds.
 */
function indexed(key: string, typename: string, id: string | number | undefined): boolean {
  if (id === undefined) return typename === LISTS.typename;
  return key.startsWith("N:") || (DROPPED_BY_ID as ReadonlySet<string>).has(typename);
}

/** "E": entity answer; "N": one that looks up by `node` or `nodes`; "L": list answer. */
type AnswerClass = "E" | "N" | "L";

/** "E" or "N" when every root field of every query in the document is a lookup by key. */
function classify(documentString: string): AnswerClass {
  let document: DocumentNode;
  try {
    document = parse(documentString, { noLocation: true });
  } catch {
    return "L";
  }
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
  }
  const seen = new Set<string>();
  let anyType = false;
  const onlyLookups = (set: SelectionSetNode): boolean =>
    set.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) {
        anyType ||= ANY_TYPE.has(selection.name.value);
        return LOOKUPS.has(selection.name.value);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return onlyLookups(selection.selectionSet);
      const name = selection.name.value;
      if (seen.has(name)) return true;
      seen.add(name);
      const fragment = fragments.get(name);
      return fragment !== undefined && onlyLookups(fragment);
    });
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (definition.operation !== "query" || !onlyLookups(definition.selectionSet)) return "L";
  }
  return anyType ? "N" : "E";
}

/** A lookup that found nothing can find something after any write: such answers are list answers. */
function hasNullRoot(data: unknown): boolean {
  if (data === null || typeof data !== "object") return true;
  return Object.values(data).some((value) => value === null || (Array.isArray(value) && value.includes(null)));
}

/**
 * The answer with its JSON text made once, when it is stored. Yoga serialises a result through
 * its own `stringify` when it has one; without it, every hit would be serialised anew, the
 * largest part of what a hit costs.
 * Only answers without errors are stored, so the text is the very one a miss would have sent.
 * The result kept beside the text is read back from it: the response-cache plugin hands over
 * objects it copied and then deleted its own fields from, which turns every one of them into a
 * dictionary, which holds several times the heap of the same object read from JSON.
 */
function serialisedOnce(result: Result): { answer: Result; text: string } {
  // As Yoga sends it: the response cache's `extensions.http` (its own ETag) is not for the client.
  const { http: _http, ...extensions } = (result.extensions ?? {}) as Record<string, unknown>;
  const text = JSON.stringify({ ...result, extensions: Object.keys(extensions).length ? extensions : undefined });
  return { answer: Object.assign(JSON.parse(text) as Result, { stringify: () => text }), text };
}
