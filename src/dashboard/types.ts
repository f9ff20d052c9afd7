// The shapes the dashboard's operations return, as GraphQL Code Generator types them from
// operations.ts (`npm run codegen`; a test fails when src/dashboard/generated/ is stale).
import type {
  FeedCursorQuery,
  LatestQuery,
  LiveFactsSubscription,
  LiveReleasesSubscription,
  LiveStatementsSubscription,
  OverviewQuery,
  PersonViewQuery,
  ReleaseFieldsFragment,
  SearchPersonsQuery,
  SourceFieldsFragment,
  StatementFieldsFragment,
} from "./generated/graphql.js";

export type Source = SourceFieldsFragment;
export type Release = ReleaseFieldsFragment;
export type Statement = StatementFieldsFragment;
export type FeedCursor = FeedCursorQuery;
export type Overview = OverviewQuery;
export type CountryCount = Overview["stats"]["releasesByFromCountry"][number];
export type Latest = LatestQuery;
export type LiveReleases = LiveReleasesSubscription;
export type LiveStatements = LiveStatementsSubscription;
export type LiveFacts = LiveFactsSubscription;
/** factChanged's node, told apart by __typename (releases and statements come by their own subscriptions). */
export type OtherFact = LiveFacts["factChanged"]["node"];
export type PersonHits = SearchPersonsQuery;
export type PersonHit = PersonHits["persons"]["nodes"][number];
/** node(id:) answers any type; the view asks for a Person's fields only. */
export type PersonView = Extract<NonNullable<PersonViewQuery["node"]>, { name: string }>;
export type Sentence = PersonView["sentences"][number];
