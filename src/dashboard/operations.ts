// Every GraphQL operation the dashboard sends, and nothing else: GraphQL Code Generator types
// them from this file. Fragments are appended to the operations that spread them.

export const SOURCE_FIELDS = /* GraphQL */ `
  fragment SourceFields on Source { id publisher title url publishedAt }
`;

export const RELEASE_FIELDS = /* GraphQL */ `
  fragment ReleaseFields on Release {
    id releasedOn fromCountry toCountry recordedAt
    person { id name }
    exchange { id slug name occurredOn }
    sources { ...SourceFields }
  }
  ${SOURCE_FIELDS}
`;

export const STATEMENT_FIELDS = /* GraphQL */ `
  fragment StatementFields on Statement {
    id text language saidOn channel recordedAt
    speaker { id name }
    subjects { id name }
    exchange { id slug name occurredOn }
    sources { ...SourceFields }
  }
`;

/** Read first, alone: the position the live subscriptions start from when nothing is stored. */
export const FEED_CURSOR = /* GraphQL */ `
  query FeedCursor { feedCursor }
`;

/** Counters, the chart and the timeline; read again after live events. */
export const OVERVIEW = /* GraphQL */ `
  query Overview {
    stats {
      persons releases statements exchanges
      releasesByFromCountry { country count }
      releasesByToCountry { country count }
    }
    exchangeEvents(first: 100) {
      nodes { id slug name occurredOn location country parties mediators releases { id } }
    }
  }
`;

export const LATEST = /* GraphQL */ `
  query Latest($first: Int!) {
    releases(first: $first) { nodes { ...ReleaseFields } }
    statements(first: $first) { nodes { ...StatementFields } }
  }
  ${RELEASE_FIELDS}
  ${STATEMENT_FIELDS}
`;

/** Additions, corrections and retractions of releases; `previous` names a corrected release's old person. */
export const LIVE_RELEASES = /* GraphQL */ `
  subscription LiveReleases($after: String) {
    releaseChanged(after: $after) { cursor change previous release { ...ReleaseFields } }
  }
  ${RELEASE_FIELDS}
`;

export const LIVE_STATEMENTS = /* GraphQL */ `
  subscription LiveStatements($after: String) {
    statementChanged(after: $after) { cursor change previous statement { ...StatementFields } }
  }
  ${STATEMENT_FIELDS}
  ${SOURCE_FIELDS}
`;

/**
 * The other facts the page shows: persons and exchanges (counters, timeline, names on the
 * cards), sentences (the person view) and sources (on the cards).
 */
export const LIVE_FACTS = /* GraphQL */ `
  subscription LiveFacts($after: String) {
    factChanged(kinds: [PERSON, EXCHANGE_EVENT, SENTENCE, SOURCE], after: $after) {
      cursor kind change
      node {
        __typename id
        ... on Person { name }
        ... on ExchangeEvent { slug name occurredOn }
        ... on Sentence { person { id } }
        ...SourceFields
      }
    }
  }
  ${SOURCE_FIELDS}
`;

export const SEARCH_PERSONS = /* GraphQL */ `
  query SearchPersons($search: String!) {
    persons(search: $search, first: 10) { nodes { id name aliases nationalities } }
  }
`;

export const PERSON = /* GraphQL */ `
  query PersonView($id: ID!) {
    node(id: $id) {
      ... on Person {
        id name aliases nationalities birthDate description
        sentences {
          id country court charge kind termMonths sentencedOn
          sources { ...SourceFields }
        }
        releases { ...ReleaseFields }
        statements(first: 20) { nodes { ...StatementFields } }
        mentions(first: 20) { nodes { ...StatementFields } }
      }
    }
  }
  ${RELEASE_FIELDS}
  ${STATEMENT_FIELDS}
`;
