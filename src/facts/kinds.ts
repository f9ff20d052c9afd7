// The six kinds of fact in one list: each kind's write rules (its FactSpec) and what stands on
// it (what forbids retracting it). The GraphQL mutations, the feed and the history read this.
import type { AnyFactSpec, Dependents } from "./change.js";
import { exchangeEventSpec, factsOfExchange } from "./exchange-event.js";
import type { FactKindName } from "./history.js";
import { factsOfPerson, personSpec } from "./person.js";
import { releaseSpec } from "./release.js";
import { factsOnSentence, sentenceSpec } from "./sentence.js";
import { citersOf, sourceSpec } from "./source.js";
import { statementSpec } from "./statement.js";

const nothing: Dependents = async () => [];

export const FACT_KINDS: Record<FactKindName, { spec: AnyFactSpec; dependents: Dependents }> = {
  source: { spec: sourceSpec, dependents: citersOf },
  person: { spec: personSpec, dependents: factsOfPerson },
  sentence: { spec: sentenceSpec, dependents: factsOnSentence },
  exchangeEvent: { spec: exchangeEventSpec, dependents: factsOfExchange },
  release: { spec: releaseSpec, dependents: nothing },
  statement: { spec: statementSpec, dependents: nothing },
};

/** The kind whose GraphQL type is `typename`. */
export function kindOfTypename(typename: string): FactKindName | undefined {
  return (Object.keys(FACT_KINDS) as FactKindName[]).find((kind) => FACT_KINDS[kind].spec.typename === typename);
}
