// The six kinds of fact in one list: each kind's write rules (its FactSpec), what stands on it
// (what forbids retracting it) and how a facts file names it and its references. The GraphQL
// schema, the feed, the history and the import read this. The order is the facts file's: a
// kind comes after the kinds it refers to.
import type { AnyFactSpec, Dependents } from "./change.js";
import { exchangeEventSpec, factsOfExchange } from "./exchange-event.js";
import type { FactKindName } from "./history.js";
import { factsOfPerson, personSpec } from "./person.js";
import { releaseSpec } from "./release.js";
import { factsOnSentence, sentenceSpec } from "./sentence.js";
import { citersOf, sourceSpec } from "./source.js";
import { statementSpec } from "./statement.js";

/** A reference in a facts file: `from` holds keys of records of kind `to`, the input takes ids in `field`. */
export type FileRef = { from: string; field: string; to: FileKey; many?: boolean; optional?: boolean };
type FileKey = "sources" | "persons" | "exchangeEvents" | "sentences" | "releases" | "statements";
type KindEntry = { spec: AnyFactSpec; dependents: Dependents; file: { key: FileKey; refs: readonly FileRef[] } };

const nothing: Dependents = async () => [];
const sources: FileRef = { from: "sourceKeys", field: "sourceIds", to: "sources", many: true };
const exchange: FileRef = { from: "exchangeKey", field: "exchangeId", to: "exchangeEvents", optional: true };

export const FACT_KINDS = {
  source: { spec: sourceSpec, dependents: citersOf, file: { key: "sources", refs: [] } },
  person: { spec: personSpec, dependents: factsOfPerson, file: { key: "persons", refs: [sources] } },
  exchangeEvent: {
    spec: exchangeEventSpec,
    dependents: factsOfExchange,
    file: { key: "exchangeEvents", refs: [sources] },
  },
  sentence: {
    spec: sentenceSpec,
    dependents: factsOnSentence,
    file: { key: "sentences", refs: [sources, { from: "personKey", field: "personId", to: "persons" }] },
  },
  release: {
    spec: releaseSpec,
    dependents: nothing,
    file: {
      key: "releases",
      refs: [
        sources,
        { from: "personKey", field: "personId", to: "persons" },
        exchange,
        { from: "sentenceKey", field: "sentenceId", to: "sentences", optional: true },
      ],
    },
  },
  statement: {
    spec: statementSpec,
    dependents: nothing,
    file: {
      key: "statements",
      refs: [
        sources,
        { from: "speakerKey", field: "speakerId", to: "persons" },
        { from: "subjectKeys", field: "subjectIds", to: "persons", many: true },
        exchange,
      ],
    },
  },
} as const satisfies Record<FactKindName, KindEntry>;

/** The kinds in the facts file's order. */
export const KIND_ENTRIES: readonly KindEntry[] = Object.values(FACT_KINDS);

/** The kind whose GraphQL type is `typename`. */
export function kindOfTypename(typename: string): FactKindName | undefined {
  return KIND_ENTRIES.find((entry) => entry.spec.typename === typename)?.spec.kind;
}
