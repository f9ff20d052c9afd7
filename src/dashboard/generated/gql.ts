/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment SourceFields on Source { id publisher title url publishedAt }\n": typeof types.SourceFieldsFragmentDoc,
    "\n  fragment ReleaseFields on Release {\n    id releasedOn fromCountry toCountry recordedAt\n    person { id name }\n    exchange { id slug name occurredOn }\n    sources { ...SourceFields }\n  }\n  \n": typeof types.ReleaseFieldsFragmentDoc,
    "\n  fragment StatementFields on Statement {\n    id text language saidOn channel recordedAt\n    speaker { id name }\n    subjects { id name }\n    exchange { id slug name occurredOn }\n    sources { ...SourceFields }\n  }\n": typeof types.StatementFieldsFragmentDoc,
    "\n  query FeedCursor { feedCursor }\n": typeof types.FeedCursorDocument,
    "\n  query Overview {\n    stats {\n      persons releases statements exchanges\n      releasesByFromCountry { country count }\n      releasesByToCountry { country count }\n    }\n    exchangeEvents(first: 100) {\n      nodes { id slug name occurredOn location country parties mediators releases { id } }\n    }\n  }\n": typeof types.OverviewDocument,
    "\n  query Latest($first: Int!) {\n    releases(first: $first) { nodes { ...ReleaseFields } }\n    statements(first: $first) { nodes { ...StatementFields } }\n  }\n  \n  \n": typeof types.LatestDocument,
    "\n  subscription LiveReleases($after: String) {\n    releaseChanged(after: $after) { cursor change previous release { ...ReleaseFields } }\n  }\n  \n": typeof types.LiveReleasesDocument,
    "\n  subscription LiveStatements($after: String) {\n    statementChanged(after: $after) { cursor change previous statement { ...StatementFields } }\n  }\n  \n  \n": typeof types.LiveStatementsDocument,
    "\n  subscription LiveFacts($after: String) {\n    factChanged(kinds: [PERSON, EXCHANGE_EVENT, SENTENCE, SOURCE], after: $after) {\n      cursor kind change\n      node {\n        __typename id\n        ... on Person { name }\n        ... on ExchangeEvent { slug name occurredOn }\n        ... on Sentence { person { id } }\n        ...SourceFields\n      }\n    }\n  }\n  \n": typeof types.LiveFactsDocument,
    "\n  query SearchPersons($search: String!) {\n    persons(search: $search, first: 10) { nodes { id name aliases nationalities } }\n  }\n": typeof types.SearchPersonsDocument,
    "\n  query PersonView($id: ID!) {\n    node(id: $id) {\n      ... on Person {\n        id name aliases nationalities birthDate description\n        sentences {\n          id country court charge kind termMonths sentencedOn\n          sources { ...SourceFields }\n        }\n        releases { ...ReleaseFields }\n        statements(first: 20) { nodes { ...StatementFields } }\n        mentions(first: 20) { nodes { ...StatementFields } }\n      }\n    }\n  }\n  \n  \n": typeof types.PersonViewDocument,
};
const documents: Documents = {
    "\n  fragment SourceFields on Source { id publisher title url publishedAt }\n": types.SourceFieldsFragmentDoc,
    "\n  fragment ReleaseFields on Release {\n    id releasedOn fromCountry toCountry recordedAt\n    person { id name }\n    exchange { id slug name occurredOn }\n    sources { ...SourceFields }\n  }\n  \n": types.ReleaseFieldsFragmentDoc,
    "\n  fragment StatementFields on Statement {\n    id text language saidOn channel recordedAt\n    speaker { id name }\n    subjects { id name }\n    exchange { id slug name occurredOn }\n    sources { ...SourceFields }\n  }\n": types.StatementFieldsFragmentDoc,
    "\n  query FeedCursor { feedCursor }\n": types.FeedCursorDocument,
    "\n  query Overview {\n    stats {\n      persons releases statements exchanges\n      releasesByFromCountry { country count }\n      releasesByToCountry { country count }\n    }\n    exchangeEvents(first: 100) {\n      nodes { id slug name occurredOn location country parties mediators releases { id } }\n    }\n  }\n": types.OverviewDocument,
    "\n  query Latest($first: Int!) {\n    releases(first: $first) { nodes { ...ReleaseFields } }\n    statements(first: $first) { nodes { ...StatementFields } }\n  }\n  \n  \n": types.LatestDocument,
    "\n  subscription LiveReleases($after: String) {\n    releaseChanged(after: $after) { cursor change previous release { ...ReleaseFields } }\n  }\n  \n": types.LiveReleasesDocument,
    "\n  subscription LiveStatements($after: String) {\n    statementChanged(after: $after) { cursor change previous statement { ...StatementFields } }\n  }\n  \n  \n": types.LiveStatementsDocument,
    "\n  subscription LiveFacts($after: String) {\n    factChanged(kinds: [PERSON, EXCHANGE_EVENT, SENTENCE, SOURCE], after: $after) {\n      cursor kind change\n      node {\n        __typename id\n        ... on Person { name }\n        ... on ExchangeEvent { slug name occurredOn }\n        ... on Sentence { person { id } }\n        ...SourceFields\n      }\n    }\n  }\n  \n": types.LiveFactsDocument,
    "\n  query SearchPersons($search: String!) {\n    persons(search: $search, first: 10) { nodes { id name aliases nationalities } }\n  }\n": types.SearchPersonsDocument,
    "\n  query PersonView($id: ID!) {\n    node(id: $id) {\n      ... on Person {\n        id name aliases nationalities birthDate description\n        sentences {\n          id country court charge kind termMonths sentencedOn\n          sources { ...SourceFields }\n        }\n        releases { ...ReleaseFields }\n        statements(first: 20) { nodes { ...StatementFields } }\n        mentions(first: 20) { nodes { ...StatementFields } }\n      }\n    }\n  }\n  \n  \n": types.PersonViewDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SourceFields on Source { id publisher title url publishedAt }\n"): typeof import('./graphql.js').SourceFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ReleaseFields on Release {\n    id releasedOn fromCountry toCountry recordedAt\n    person { id name }\n    exchange { id slug name occurredOn }\n    sources { ...SourceFields }\n  }\n  \n"): typeof import('./graphql.js').ReleaseFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StatementFields on Statement {\n    id text language saidOn channel recordedAt\n    speaker { id name }\n    subjects { id name }\n    exchange { id slug name occurredOn }\n    sources { ...SourceFields }\n  }\n"): typeof import('./graphql.js').StatementFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FeedCursor { feedCursor }\n"): typeof import('./graphql.js').FeedCursorDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Overview {\n    stats {\n      persons releases statements exchanges\n      releasesByFromCountry { country count }\n      releasesByToCountry { country count }\n    }\n    exchangeEvents(first: 100) {\n      nodes { id slug name occurredOn location country parties mediators releases { id } }\n    }\n  }\n"): typeof import('./graphql.js').OverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Latest($first: Int!) {\n    releases(first: $first) { nodes { ...ReleaseFields } }\n    statements(first: $first) { nodes { ...StatementFields } }\n  }\n  \n  \n"): typeof import('./graphql.js').LatestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveReleases($after: String) {\n    releaseChanged(after: $after) { cursor change previous release { ...ReleaseFields } }\n  }\n  \n"): typeof import('./graphql.js').LiveReleasesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveStatements($after: String) {\n    statementChanged(after: $after) { cursor change previous statement { ...StatementFields } }\n  }\n  \n  \n"): typeof import('./graphql.js').LiveStatementsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveFacts($after: String) {\n    factChanged(kinds: [PERSON, EXCHANGE_EVENT, SENTENCE, SOURCE], after: $after) {\n      cursor kind change\n      node {\n        __typename id\n        ... on Person { name }\n        ... on ExchangeEvent { slug name occurredOn }\n        ... on Sentence { person { id } }\n        ...SourceFields\n      }\n    }\n  }\n  \n"): typeof import('./graphql.js').LiveFactsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchPersons($search: String!) {\n    persons(search: $search, first: 10) { nodes { id name aliases nationalities } }\n  }\n"): typeof import('./graphql.js').SearchPersonsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PersonView($id: ID!) {\n    node(id: $id) {\n      ... on Person {\n        id name aliases nationalities birthDate description\n        sentences {\n          id country court charge kind termMonths sentencedOn\n          sources { ...SourceFields }\n        }\n        releases { ...ReleaseFields }\n        statements(first: 20) { nodes { ...StatementFields } }\n        mentions(first: 20) { nodes { ...StatementFields } }\n      }\n    }\n  }\n  \n  \n"): typeof import('./graphql.js').PersonViewDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
