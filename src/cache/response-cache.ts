// The store behind the response cache: Envelop's in-memory LRU cache, with what "exact" needs on
// top of it. Each entry is filed as an entity answer or a list answer (see changes.ts), so that a
// write drops every list answer and only the entity answers that hold what it touched; and an
// answer whose execution began before an invalidation is never stored, since it may have read
// the database before the write committed.
import { createHash } from "node:crypto";
import { type Cache, createInMemoryCache } from "@graphql-yoga/plugin-response-cache";
import stableJson from "fast-json-stable-stringify";
import { type DocumentNode, Kind, parse, type SelectionSetNode } from "graphql";
import { type Change, type Entity, invalidationOf } from "./changes.js";

/** Root fields that look one object up by key: an answer made only of these is an entity answer. */
const LOOKUPS = new Set(["node", "nodes", "exchangeEvent", "__typename"]);
/** Filed under this pseudo-type, list answers are dropped together (no GraphQL name has a '#'). */
const LISTS = { typename: "#lists" };
/** Documents whose class is remembered; past this the memo starts again. */
const MEMO_LIMIT = 2000;

type Result = Parameters<Cache["set"]>[1];

export class ResponseCache implements Cache {
  readonly max: number;
  #store: ReturnType<typeof createInMemoryCache>;
  #epoch = 0;
  readonly #startedAt = new WeakMap<object, number>();
  readonly #reported = new WeakSet<object>();
  readonly #classOf = new Map<string, "E" | "L">();

  constructor(max: number) {
    this.max = max;
    this.#store = createInMemoryCache({ max });
  }

  /** `E:` or `L:` (the answer's class), then a SHA-256 of what the answer depends on. */
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
    return (this.#store.get(key) as Result | null | undefined) ?? null;
  }

  set(key: string, result: Result, entities: Iterable<{ typename: string; id?: string | number }>, ttl: number): void {
    const isList = key.startsWith("L:") || hasNullRoot(result.data);
    this.#store.set(key, serialisedOnce(result), isList ? [...entities, LISTS] : entities, ttl);
  }

  /** For the cache's mutation hook, which this app leaves off: whatever it names, drop everything. */
  invalidate(_entities: Iterable<Entity>): void {
    this.apply({ kind: "unknown" });
  }

  /** Drops what a write can have changed. */
  apply(change: Change): void {
    this.#epoch++;
    const plan = invalidationOf(change);
    if (plan.all) this.#store = createInMemoryCache({ max: this.max });
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

  /** A mutation's resolver described its write precisely (else the whole cache is dropped). */
  reported(context: object, change: Change): void {
    this.#reported.add(context);
    this.apply(change);
  }

  wasReported(context: object): boolean {
    return this.#reported.has(context);
  }

  #documentClass(documentString: string): "E" | "L" {
    let known = this.#classOf.get(documentString);
    if (known === undefined) {
      known = classify(documentString);
      if (this.#classOf.size >= MEMO_LIMIT) this.#classOf.clear();
      this.#classOf.set(documentString, known);
    }
    return known;
  }
}

/** "E" when every root field of every query in the document is a lookup by key. */
function classify(documentString: string): "E" | "L" {
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
  const onlyLookups = (set: SelectionSetNode): boolean =>
    set.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return LOOKUPS.has(selection.name.value);
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
  return "E";
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
 */
function serialisedOnce(result: Result): Result {
  // As Yoga sends it: the response cache's `extensions.http` (its own ETag) is not for the client.
  const { http: _http, ...extensions } = (result.extensions ?? {}) as Record<string, unknown>;
  const text = JSON.stringify({ ...result, extensions: Object.keys(extensions).length ? extensions : undefined });
  return Object.assign({ ...result }, { stringify: () => text });
}
