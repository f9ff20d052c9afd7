// Every write of a fact goes through src/facts: validate, check references and duplicates,
// write, audit and (for releases and statements) append to the feed, all in one transaction.
// One module per kind of fact; this one gathers them for callers.
export { addExchangeEvent, type ExchangeEventRow } from "./exchange-event.js";
export { addPerson, type PersonRow, slugify, updatePerson } from "./person.js";
export { addRelease, type ReleaseRow } from "./release.js";
export { addSentence, type SentenceRow } from "./sentence.js";
export { addSource, type SourceRow } from "./source.js";
export { addStatement, type StatementRow } from "./statement.js";
