// What a write can change in a cached answer. Every answer is either an "entity" answer (its
// root fields only look objects up by key and found them) or a "list" answer (anything else:
// lists, counts, stats, search, a lookup that found nothing). An entity answer depends only on
// the objects it contains and on their nested lists, so a new fact reaches it only through the
// objects the fact links to; a list answer can change with any new or changed fact.
import type { FeedPage } from "../feed/read.js";
import { encodeGlobalId } from "../graphql/global-id.js";

/** An object as the response cache records it: its GraphQL type and global id. */
export type Entity = { typename: string; id: string };

/** What to drop: every list answer plus the entity answers holding these objects, or everything. */
export type Invalidation = { all: true } | { all: false; entities: Entity[] };

/**
 * A write, as the writer (a mutation) or the feed describes it. `added*` are additions, whose
 * links are known from the new row; `changed` is an addition or an in-place change of that
 * object's own fields. Anything else (a change that can move a fact from one parent to another,
 * a retraction, a merge, a kind we do not know) is `unknown` and drops everything.
 */
export type Change =
  | { kind: "addedRelease"; id: number; personId: number; exchangeId: number | null; sentenceId: number | null }
  | { kind: "addedStatement"; id: number; speakerId: number; subjectIds: number[]; exchangeId: number | null }
  | { kind: "addedSentence"; id: number; personId: number }
  | { kind: "changed"; typename: "Person" | "Source" | "ExchangeEvent"; id: number }
  | { kind: "unknown" };

/**
 * The types whose objects a write drops answers by: objects that existed before it. A new
 * object's id is in no answer stored before the write (a lookup of it then found nothing, which
 * files the answer as a list answer), and an answer that holds it was read after the write. The
 * store indexes answers by these ids only (response-cache.ts).
 */
export const DROPPED_BY_ID = new Set(["Person", "Source", "ExchangeEvent", "Sentence"] as const);
type DroppedById = typeof DROPPED_BY_ID extends Set<infer T> ? T : never;

const entity = (typename: DroppedById, id: number): Entity => ({ typename, id: encodeGlobalId(typename, id) });

export function invalidationOf(change: Change): Invalidation {
  switch (change.kind) {
    case "addedRelease":
      return {
        all: false,
        entities: [
          entity("Person", change.personId),
          ...(change.exchangeId == null ? [] : [entity("ExchangeEvent", change.exchangeId)]),
          ...(change.sentenceId == null ? [] : [entity("Sentence", change.sentenceId)]),
        ],
      };
    case "addedStatement":
      return {
        all: false,
        entities: [
          entity("Person", change.speakerId),
          ...change.subjectIds.map((id) => entity("Person", id)),
          ...(change.exchangeId == null ? [] : [entity("ExchangeEvent", change.exchangeId)]),
        ],
      };
    case "addedSentence":
      return { all: false, entities: [entity("Person", change.personId)] };
    case "changed":
      return { all: false, entities: [entity(change.typename, change.id)] };
    default:
      return { all: true };
  }
}

/** Feed kinds whose additions and in-place changes touch only the object itself. */
const IN_PLACE: Record<string, "Person" | "Source" | "ExchangeEvent"> = {
  person: "Person",
  source: "Source",
  exchangeEvent: "ExchangeEvent",
};

/** A feed item as this mapping reads it: the fields every kind of item has, or will have. */
type Announced = {
  kind: string;
  /** ADDED when absent (the feed announced only additions before it said). */
  change?: string;
  id?: number;
  release?: { id: number; personId: number; exchangeId: number | null; sentenceId: number | null };
  statement?: { id: number; speakerId: number; exchangeId: number | null };
  subjectIds?: number[];
  values?: Record<string, unknown>;
};

/**
 * The changes a page of the feed announces. Only an addition of a release or statement is
 * dropped by its links (from the row the page carries); a correction can move a fact away from
 * parents that the new row no longer names, and a retraction or merge changes lists and counts
 * that hold no id of it, so those drop everything, as does a kind this mapping does not know.
 */
export function changesOfPage(page: FeedPage): Change[] {
  return page.items.map((item) => changeOf(item as Announced));
}

function changeOf(item: Announced): Change {
  const change = item.change ?? "ADDED";
  if (change === "ADDED" && item.kind === "release" && item.release) {
    const { id, personId, exchangeId, sentenceId } = item.release;
    return { kind: "addedRelease", id, personId, exchangeId, sentenceId };
  }
  const subjectIds = item.subjectIds ?? item.values?.subjectIds;
  if (change === "ADDED" && item.kind === "statement" && item.statement && Array.isArray(subjectIds)) {
    const { id, speakerId, exchangeId } = item.statement;
    return { kind: "addedStatement", id, speakerId, exchangeId, subjectIds: subjectIds.map(Number) };
  }
  const typename = IN_PLACE[item.kind];
  if (typename && item.id !== undefined && (change === "ADDED" || change === "UPDATED")) {
    return { kind: "changed", typename, id: item.id };
  }
  return { kind: "unknown" };
}
