/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** How a fact changed. */
export type FactChange =
  /** First recorded. */
  | 'ADDED'
  /** A person merged into another, which now holds its facts. */
  | 'MERGED'
  /** Retracted: kept, marked, and out of every list. */
  | 'RETRACTED'
  /** Corrected: some of its fields were replaced. */
  | 'UPDATED';

/** A kind of fact. */
export type FactKind =
  /** An ExchangeEvent. */
  | 'EXCHANGE_EVENT'
  /** A Person. */
  | 'PERSON'
  /** A Release. */
  | 'RELEASE'
  /** A Sentence. */
  | 'SENTENCE'
  /** A Source. */
  | 'SOURCE'
  /** A Statement. */
  | 'STATEMENT';

/** What a court imposed. */
export type SentenceKind =
  /** The death penalty. */
  | 'DEATH'
  /** Life imprisonment. */
  | 'LIFE'
  /** Deprivation of liberty for a fixed number of months (see termMonths). */
  | 'TERM'
  /** A term equal to the time already spent in custody, usually with expulsion. */
  | 'TIME_SERVED';

export type SourceFieldsFragment = { id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null };

export type ReleaseFieldsFragment = { id: string, releasedOn: string, fromCountry: string, toCountry: string | null, recordedAt: string, person: { id: string, name: string }, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> };

export type StatementFieldsFragment = { id: string, text: string, language: string | null, saidOn: string, channel: string | null, recordedAt: string, speaker: { id: string, name: string }, subjects: Array<{ id: string, name: string }>, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> };

export type FeedCursorQueryVariables = Exact<{ [key: string]: never; }>;


export type FeedCursorQuery = { feedCursor: string };

export type OverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type OverviewQuery = { stats: { persons: number, releases: number, statements: number, exchanges: number, releasesByFromCountry: Array<{ country: string, count: number }>, releasesByToCountry: Array<{ country: string, count: number }> }, exchangeEvents: { nodes: Array<{ id: string, slug: string, name: string, occurredOn: string, location: string | null, country: string | null, parties: Array<string>, mediators: Array<string>, releases: Array<{ id: string }> }> } };

export type LatestQueryVariables = Exact<{
  first: number;
}>;


export type LatestQuery = { releases: { nodes: Array<{ id: string, releasedOn: string, fromCountry: string, toCountry: string | null, recordedAt: string, person: { id: string, name: string }, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> }> }, statements: { nodes: Array<{ id: string, text: string, language: string | null, saidOn: string, channel: string | null, recordedAt: string, speaker: { id: string, name: string }, subjects: Array<{ id: string, name: string }>, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> }> } };

export type LiveReleasesSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type LiveReleasesSubscription = { releaseChanged: { cursor: string, change: FactChange, previous: unknown, release: { id: string, releasedOn: string, fromCountry: string, toCountry: string | null, recordedAt: string, person: { id: string, name: string }, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> } } };

export type LiveStatementsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type LiveStatementsSubscription = { statementChanged: { cursor: string, change: FactChange, previous: unknown, statement: { id: string, text: string, language: string | null, saidOn: string, channel: string | null, recordedAt: string, speaker: { id: string, name: string }, subjects: Array<{ id: string, name: string }>, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> } } };

export type LiveFactsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type LiveFactsSubscription = { factChanged: { cursor: string, kind: FactKind, change: FactChange, node:
      | { __typename: 'ExchangeEvent', slug: string, name: string, occurredOn: string, id: string }
      | { __typename: 'Person', name: string, id: string }
      | { __typename: 'Release', id: string }
      | { __typename: 'Sentence', id: string, person: { id: string } }
      | { __typename: 'Source', id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }
      | { __typename: 'Statement', id: string }
     } };

export type SearchPersonsQueryVariables = Exact<{
  search: string;
}>;


export type SearchPersonsQuery = { persons: { nodes: Array<{ id: string, name: string, aliases: Array<string>, nationalities: Array<string> }> } };

export type PersonViewQueryVariables = Exact<{
  id: string | number;
}>;


export type PersonViewQuery = { node:
    | { id: string, name: string, aliases: Array<string>, nationalities: Array<string>, birthDate: string | null, description: string | null, sentences: Array<{ id: string, country: string, court: string | null, charge: string, kind: SentenceKind, termMonths: number | null, sentencedOn: string | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> }>, releases: Array<{ id: string, releasedOn: string, fromCountry: string, toCountry: string | null, recordedAt: string, person: { id: string, name: string }, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> }>, statements: { nodes: Array<{ id: string, text: string, language: string | null, saidOn: string, channel: string | null, recordedAt: string, speaker: { id: string, name: string }, subjects: Array<{ id: string, name: string }>, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> }> }, mentions: { nodes: Array<{ id: string, text: string, language: string | null, saidOn: string, channel: string | null, recordedAt: string, speaker: { id: string, name: string }, subjects: Array<{ id: string, name: string }>, exchange: { id: string, slug: string, name: string, occurredOn: string } | null, sources: Array<{ id: string, publisher: string, title: string | null, url: string | null, publishedAt: string | null }> }> } }
    | Record<PropertyKey, never>
   | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SourceFieldsFragmentDoc = new TypedDocumentString(`
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}
    `, {"fragmentName":"SourceFields"}) as unknown as TypedDocumentString<SourceFieldsFragment, unknown>;
export const ReleaseFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReleaseFields on Release {
  id
  releasedOn
  fromCountry
  toCountry
  recordedAt
  person {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}`, {"fragmentName":"ReleaseFields"}) as unknown as TypedDocumentString<ReleaseFieldsFragment, unknown>;
export const StatementFieldsFragmentDoc = new TypedDocumentString(`
    fragment StatementFields on Statement {
  id
  text
  language
  saidOn
  channel
  recordedAt
  speaker {
    id
    name
  }
  subjects {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}`, {"fragmentName":"StatementFields"}) as unknown as TypedDocumentString<StatementFieldsFragment, unknown>;
export const FeedCursorDocument = new TypedDocumentString(`
    query FeedCursor {
  feedCursor
}
    `) as unknown as TypedDocumentString<FeedCursorQuery, FeedCursorQueryVariables>;
export const OverviewDocument = new TypedDocumentString(`
    query Overview {
  stats {
    persons
    releases
    statements
    exchanges
    releasesByFromCountry {
      country
      count
    }
    releasesByToCountry {
      country
      count
    }
  }
  exchangeEvents(first: 100) {
    nodes {
      id
      slug
      name
      occurredOn
      location
      country
      parties
      mediators
      releases {
        id
      }
    }
  }
}
    `) as unknown as TypedDocumentString<OverviewQuery, OverviewQueryVariables>;
export const LatestDocument = new TypedDocumentString(`
    query Latest($first: Int!) {
  releases(first: $first) {
    nodes {
      ...ReleaseFields
    }
  }
  statements(first: $first) {
    nodes {
      ...StatementFields
    }
  }
}
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}
fragment ReleaseFields on Release {
  id
  releasedOn
  fromCountry
  toCountry
  recordedAt
  person {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}
fragment StatementFields on Statement {
  id
  text
  language
  saidOn
  channel
  recordedAt
  speaker {
    id
    name
  }
  subjects {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<LatestQuery, LatestQueryVariables>;
export const LiveReleasesDocument = new TypedDocumentString(`
    subscription LiveReleases($after: String) {
  releaseChanged(after: $after) {
    cursor
    change
    previous
    release {
      ...ReleaseFields
    }
  }
}
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}
fragment ReleaseFields on Release {
  id
  releasedOn
  fromCountry
  toCountry
  recordedAt
  person {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<LiveReleasesSubscription, LiveReleasesSubscriptionVariables>;
export const LiveStatementsDocument = new TypedDocumentString(`
    subscription LiveStatements($after: String) {
  statementChanged(after: $after) {
    cursor
    change
    previous
    statement {
      ...StatementFields
    }
  }
}
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}
fragment StatementFields on Statement {
  id
  text
  language
  saidOn
  channel
  recordedAt
  speaker {
    id
    name
  }
  subjects {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<LiveStatementsSubscription, LiveStatementsSubscriptionVariables>;
export const LiveFactsDocument = new TypedDocumentString(`
    subscription LiveFacts($after: String) {
  factChanged(kinds: [PERSON, EXCHANGE_EVENT, SENTENCE, SOURCE], after: $after) {
    cursor
    kind
    change
    node {
      __typename
      id
      ... on Person {
        name
      }
      ... on ExchangeEvent {
        slug
        name
        occurredOn
      }
      ... on Sentence {
        person {
          id
        }
      }
      ...SourceFields
    }
  }
}
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}`) as unknown as TypedDocumentString<LiveFactsSubscription, LiveFactsSubscriptionVariables>;
export const SearchPersonsDocument = new TypedDocumentString(`
    query SearchPersons($search: String!) {
  persons(search: $search, first: 10) {
    nodes {
      id
      name
      aliases
      nationalities
    }
  }
}
    `) as unknown as TypedDocumentString<SearchPersonsQuery, SearchPersonsQueryVariables>;
export const PersonViewDocument = new TypedDocumentString(`
    query PersonView($id: ID!) {
  node(id: $id) {
    ... on Person {
      id
      name
      aliases
      nationalities
      birthDate
      description
      sentences {
        id
        country
        court
        charge
        kind
        termMonths
        sentencedOn
        sources {
          ...SourceFields
        }
      }
      releases {
        ...ReleaseFields
      }
      statements(first: 20) {
        nodes {
          ...StatementFields
        }
      }
      mentions(first: 20) {
        nodes {
          ...StatementFields
        }
      }
    }
  }
}
    fragment SourceFields on Source {
  id
  publisher
  title
  url
  publishedAt
}
fragment ReleaseFields on Release {
  id
  releasedOn
  fromCountry
  toCountry
  recordedAt
  person {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}
fragment StatementFields on Statement {
  id
  text
  language
  saidOn
  channel
  recordedAt
  speaker {
    id
    name
  }
  subjects {
    id
    name
  }
  exchange {
    id
    slug
    name
    occurredOn
  }
  sources {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<PersonViewQuery, PersonViewQueryVariables>;