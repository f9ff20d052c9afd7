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

export const LIVE_RELEASES = /* GraphQL */ `
  subscription LiveReleases($after: String) {
    releaseAdded(after: $after) { cursor release { ...ReleaseFields } }
  }
  ${RELEASE_FIELDS}
`;

export const LIVE_STATEMENTS = /* GraphQL */ `
  subscription LiveStatements($after: String) {
    statementAdded(after: $after) { cursor statement { ...StatementFields } }
  }
  ${STATEMENT_FIELDS}
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
