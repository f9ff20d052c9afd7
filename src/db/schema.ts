// Every table under the name the relational query builder and Pothos know it by.
import {
  apiKeyTable,
  auditTable,
  exchangeEventSourceTable,
  exchangeEventTable,
  factVersionTable,
  feedEventTable,
  feedHeadTable,
  personSourceTable,
  personTable,
  releaseSourceTable,
  releaseTable,
  sentenceSourceTable,
  sentenceTable,
  sourceTable,
  statementSourceTable,
  statementSubjectTable,
  statementTable,
} from "./tables.js";

export * from "./tables.js";

export const tables = {
  factVersion: factVersionTable,
  source: sourceTable,
  person: personTable,
  personSource: personSourceTable,
  sentence: sentenceTable,
  sentenceSource: sentenceSourceTable,
  exchangeEvent: exchangeEventTable,
  exchangeEventSource: exchangeEventSourceTable,
  release: releaseTable,
  releaseSource: releaseSourceTable,
  statement: statementTable,
  statementSubject: statementSubjectTable,
  statementSource: statementSourceTable,
  feedEvent: feedEventTable,
  feedHead: feedHeadTable,
  apiKey: apiKeyTable,
  audit: auditTable,
};
