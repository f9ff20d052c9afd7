// What a write can change in a cached answer. Every answer is either an "entity" answer (its
// root fields only look objects up by key and found them) or a "list" answer (anything else:
// lists, counts, stats, search, a lookup that found nothing). An entity answer depends only on
// the objects it contains and on their nested lists, so a new fact reaches it only through the
// objects the fact links to; a list answer can change with any new or changed fact.
import type { FactKindName } from "../facts/history.js";
import type { FeedPage } from "../feed/read.js";
import { encodeGlobalId } from "../graphql/global-id.js";

/** An object as the response cache records it: its GraphQL type and global id. */
export type Entity = { typename: string; id: string };

/** What to drop: every list answer plus the entity answers holding these objects, or everything. */
export type Invalidation = { all: true } | { all: false; entities: Entity[] };

/**
 * A write, as the writer (a mutation) or the feed describes it. `added*` are additions, whose
 * links are known from the new row; `changed` is an addition of a person, source or exchange,
 * which touches only that object. `touched` is a correction or retraction of one fact, with the
 * objects it linked to before and after (a correction can move a release from one exchange to
 * another).
 * Anything else (a merge, a kind we do not know) is `unknown` and drops everything.
 */
export type Change =
  | { kind: "addedRelease"; id: number; personId: number; exchangeId: number | null; sentenceId: number | null }
  | { kind: "addedStatement"; id: number; speakerId: number; subjectIds: number[]; exchangeId: number | null }
  | { kind: "addedSentence"; id: number; personId: number }
  | { kind: "changed"; typename: "Person" | "Source" | "ExchangeEvent"; id: number }
  | Touched
  | { kind: "unknown" };

/** The GraphQL types of facts. */
export type FactTypename = "Person" | "Source" | "ExchangeEvent" | "Sentence" | "Release" | "Statement";

/** A fact corrected or retracted, and the persons, exchanges and sentences it named before or after. */
export type Touched = {
  kind: "touched";
  typename: FactTypename;
  id: number;
  persons: number[];
  exchanges: number[];
  sentences: number[];
};

/**
 * The types whose objects a write drops answers by: objects that existed before it. A new
 * object's id is in no answer stored before the write (a lookup of it then found nothing, which
 * files the answer as a list answer), and an answer that holds it was read after the write. The
 * store indexes answers by these ids only (response-cache.ts).
 */
export const DROPPED_BY_ID = new Set(["Person", "Source", "ExchangeEvent", "Sentence"] as const);
type DroppedById = typeof DROPPED_BY_ID extends Set<infer T> ? T : never;

const entity = (typename: DroppedById, id: number): Entity => ({ typename, id: encodeGlobalId(typename, id) });

/**
 * A fact itself, when a correction or retraction touches it. Releases and statements are in no
 * index but that of answers to `node` and `nodes` (response-cache.ts): everywhere else they are
 * nested under a person, exchange or sentence that they name, and are dropped by that.
 */
const itself = (typename: FactTypename, id: number): Entity => ({ typename, id: encodeGlobalId(typename, id) });

/** Ids of the facts a fact's values (as fact_values records them) name: the fields that link. */
const LINKS = {
  persons: ["personId", "speakerId", "subjectIds"],
  exchanges: ["exchangeId"],
  sentences: ["sentenceId"],
} as const;

/**
 * A correction or retraction of a fact, from its values before and after (either may be absent: a
 * retraction leaves them as they were). Every object it can appear under is one these name: a
 * Source lists no facts, and every other link is a column or link table of the fact itself.
 */
export function touched(
  typename: FactTypename,
  id: number,
  ...versions: (Record<string, unknown> | undefined)[]
): Touched {
  const ids = (fields: readonly string[]) => [
    ...new Set(
      versions.flatMap((values) =>
        fields.flatMap((field) => {
          const value = values?.[field];
          return (Array.isArray(value) ? value : [value]).filter((v) => v != null).map(Number);
        }),
      ),
    ),
  ];
  return {
    kind: "touched",
    typename,
    id,
    persons: ids(LINKS.persons),
    exchanges: ids(LINKS.exchanges),
    sentences: ids(LINKS.sentences),
  };
}

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
    case "touched":
      return {
        all: false,
        entities: [
          itself(change.typename, change.id),
          ...change.persons.map((id) => entity("Person", id)),
          ...change.exchanges.map((id) => entity("ExchangeEvent", id)),
          ...change.sentences.map((id) => entity("Sentence", id)),
        ],
      };
    default:
      return { all: true };
  }
}

/** Feed kinds whose additions touch only the object itself (their changes are `touched`). */
const IN_PLACE: Record<string, "Person" | "Source" | "ExchangeEvent"> = {
  person: "Person",
  source: "Source",
  exchangeEvent: "ExchangeEvent",
};

/** The GraphQL type of each kind of fact. */
export const FACT_TYPES: Record<FactKindName, FactTypename> = {
  person: "Person",
  source: "Source",
  exchangeEvent: "ExchangeEvent",
  sentence: "Sentence",
  release: "Release",
  statement: "Statement",
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
  /** The values of the version before this one (none for an addition). */
  before?: Record<string, unknown>;
};

/**
 * The changes a page of the feed announces. An addition of a release or statement is dropped by
 * its links (from the row the page carries), a correction or retraction by the links of its
 * versions before and after it (`touched`). A merge, a change without its version before, and a
 * kind this mapping does not know drop everything.
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
  if (typename && item.id !== undefined && change === "ADDED") {
    return { kind: "changed", typename, id: item.id };
  }
  const fact = FACT_TYPES[item.kind as FactKindName] as FactTypename | undefined;
  if (fact && item.id !== undefined && item.values) {
    // A new sentence: its own id is in no answer yet, its person's is.
    if (change === "ADDED" && fact === "Sentence") return touched(fact, item.id, item.values);
    if ((change === "UPDATED" || change === "RETRACTED") && item.before) {
      return touched(fact, item.id, item.before, item.values);
    }
  }
  return { kind: "unknown" };
}
