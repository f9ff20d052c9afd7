// Every write of a fact goes through src/facts: validate, check references and duplicates,
// write, version, audit and append to the feed, all in one transaction (src/facts/change.ts).
// One module per kind of fact; this one gathers them for callers.
import type { Db } from "../db/client.js";
import { type ChangeOptions, type Recorded, retractFact, updateFact } from "./change.js";
import type { FactKindName } from "./history.js";
import { FACT_KINDS } from "./kinds.js";
import type { Actor } from "./support.js";

export { addExchangeEvent, type ExchangeEventRow } from "./exchange-event.js";
export { mergePersons } from "./merge.js";
export { addPerson, type PersonRow, slugify } from "./person.js";
export { addRelease, type ReleaseRow } from "./release.js";
export { addSentence, type SentenceRow } from "./sentence.js";
export { addSource, type SourceRow } from "./source.js";
export { addStatement, type StatementRow } from "./statement.js";

/** Corrects a fact of any kind (see updateFact). */
export function correctFact<Row>(
  db: Db,
  kind: FactKindName,
  id: number,
  patch: Record<string, unknown>,
  actor: Actor,
  options: ChangeOptions,
): Promise<Row> {
  return updateFact<Row>(db, FACT_KINDS[kind].spec, id, patch, actor, options);
}

/** Retracts a fact of any kind (see retractFact). */
export function retract<Row>(
  db: Db,
  kind: FactKindName,
  id: number,
  input: { reason: string; sourceIds?: number[] | null | undefined; expectedVersion?: number | null | undefined },
  actor: Actor,
  recorded?: Recorded,
): Promise<Row> {
  const { spec, dependents } = FACT_KINDS[kind];
  return retractFact<Row>(db, spec, id, input, actor, dependents, recorded);
}
