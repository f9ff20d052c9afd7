// Change subscriptions as a dashboard sees them (issue 17): admin writes through the public API,
// subscription documents, and what each subscriber received, reduced to the event itself (what
// changed, not the fact as it stands now, which a replay shows later than a live delivery).
import { randomBytes } from "node:crypto";
import { decodeCursor } from "../../src/feed/cursor.js";
import { type GraphQLResponse, TEST_ADMIN_TOKEN } from "./server.js";
import type { Result } from "./subscribers.js";

/** Runs an operation with the admin token; throws on a GraphQL error or an `Error` result. */
export type Admin = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, any>>;

export function adminOf(url: string): Admin {
  return async (query, variables = {}) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse<Record<string, any>>;
    if (body.errors || !body.data) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors ?? body)}`);
    const result = body.data.result;
    if (result?.message) throw new Error(`${result.__typename}: ${result.message}`);
    return body.data;
  };
}

const RESULT = "__typename ... on Node { id } ... on Error { message }";
const add = (field: string, input: string) =>
  `mutation ($input: ${input}!) { result: ${field}(input: $input) { ${RESULT} } }`;
export const WRITES = {
  addSource: add("addSource", "AddSourceInput"),
  addPerson: add("addPerson", "AddPersonInput"),
  addRelease: add("addRelease", "AddReleaseInput"),
  addStatement: add("addStatement", "AddStatementInput"),
  updateRelease: `mutation ($id: ID!, $input: UpdateReleaseInput!, $reason: String!) {
    result: updateRelease(id: $id, input: $input, reason: $reason) { ${RESULT} } }`,
  updateStatement: `mutation ($id: ID!, $input: UpdateStatementInput!, $reason: String!) {
    result: updateStatement(id: $id, input: $input, reason: $reason) { ${RESULT} } }`,
  retractRelease: `mutation ($id: ID!, $reason: String!) { result: retractRelease(id: $id, reason: $reason) { ${RESULT} } }`,
  retractStatement: `mutation ($id: ID!, $reason: String!) { result: retractStatement(id: $id, reason: $reason) { ${RESULT} } }`,
  mergePersons: `mutation ($keep: ID!, $merge: ID!, $reason: String!) {
    result: mergePersons(keepId: $keep, mergeId: $merge, reason: $reason) {
      __typename ... on MergePersonsPayload { moved } ... on Error { message } } }`,
};

export const RELEASE_CHANGED = `subscription ($after: String, $from: CountryCode) {
  releaseChanged(after: $after, fromCountry: $from) {
    cursor change changedFields previous release { id fromCountry person { name } }
  }
}`;
export const RELEASE_ADDED = `subscription ($after: String, $from: CountryCode) {
  releaseAdded(after: $after, fromCountry: $from) { cursor release { id } }
}`;
export const STATEMENT_CHANGED = `subscription ($after: String, $speaker: ID, $about: ID) {
  statementChanged(after: $after, speakerId: $speaker, aboutPersonId: $about) {
    cursor change changedFields previous statement { id subjects { id } }
  }
}`;
export const STATEMENT_ADDED = `subscription ($after: String, $about: ID) {
  statementAdded(after: $after, aboutPersonId: $about) { cursor statement { id } }
}`;
export const FACT_CHANGED = `subscription ($after: String, $kinds: [FactKind!]) {
  factChanged(after: $after, kinds: $kinds) { cursor kind change changedFields node { id } }
}`;

/** One event as the feed recorded it: which fact, which change, which fields, the values before. */
export type Event = { kind: string; change: string; id: string; changedFields: string[]; previous?: unknown };

/** The events of a subscription's results, in the order received, and their cursors. */
export function eventsOf(results: Result[]): { events: Event[]; cursors: string[] } {
  const events: Event[] = [];
  const cursors: string[] = [];
  for (const result of results) {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    const [field, e] = Object.entries(result.data ?? {})[0] as [string, Record<string, any>];
    cursors.push(e.cursor);
    if (field === "factChanged") {
      events.push({ kind: e.kind, change: e.change, id: e.node.id, changedFields: e.changedFields });
    } else if (field === "releaseAdded" || field === "statementAdded") {
      const node = field === "releaseAdded" ? "release" : "statement";
      events.push({ kind: node.toUpperCase(), change: "ADDED", id: e[node].id, changedFields: [] });
    } else {
      const node = field === "releaseChanged" ? "release" : "statement";
      events.push({
        kind: node.toUpperCase(),
        change: e.change,
        id: e[node].id,
        changedFields: e.changedFields,
        previous: e.previous,
      });
    }
  }
  return { events, cursors };
}

/** Cursors strictly increasing: feed order, no event twice. */
export function increasing(cursors: string[]): boolean {
  const positions = cursors.map((c) => decodeCursor(c) ?? Number.NaN);
  return positions.every((p, i) => i === 0 || p > (positions[i - 1] as number));
}

export type Dashboard = {
  tag: string;
  source: string;
  /** The person merged away ("Krassikov"), and the one kept. */
  merged: string;
  kept: string;
  /** The merged person's earlier release (from RU, standing): the merge moves it. */
  earlier: string;
  /** The release added, corrected from RU to US and retracted; set by runDashboard. */
  release?: string;
};

/** What stands before the dashboard opens: a source, two persons, an earlier release from RU. */
export async function prepareDashboard(admin: Admin): Promise<Dashboard> {
  const tag = randomBytes(4).toString("hex");
  const id = async (query: string, input: Record<string, unknown>) =>
    (await admin(query, { input })).result.id as string;
  const source = await id(WRITES.addSource, { publisher: `Dashboard wire ${tag}` });
  const merged = await id(WRITES.addPerson, { name: `Vadim Krassikov ${tag}`, sourceIds: [source] });
  const kept = await id(WRITES.addPerson, { name: `Vadim Krasikov ${tag}`, sourceIds: [source] });
  const earlier = await id(WRITES.addRelease, {
    personId: merged,
    releasedOn: "2025-04-01",
    fromCountry: "RU",
    sourceIds: [source],
  });
  return { tag, source, merged, kept, earlier };
}

/** The scenario: a release added from RU, corrected to US, retracted; its person merged. */
export async function runDashboard(admin: Admin, d: Dashboard): Promise<Required<Dashboard>> {
  const { result } = await admin(WRITES.addRelease, {
    input: { personId: d.merged, releasedOn: "2025-05-01", fromCountry: "RU", toCountry: "DE", sourceIds: [d.source] },
  });
  const release = result.id as string;
  await admin(WRITES.updateRelease, { id: release, input: { fromCountry: "US" }, reason: "Held by the US, not RU." });
  await admin(WRITES.retractRelease, { id: release, reason: "No such release took place." });
  await admin(WRITES.mergePersons, { keep: d.kept, merge: d.merged, reason: "One man, typed in twice." });
  return { ...d, release };
}

/**
 * What each subscriber must receive, by the rule "a filter matches when the values before or
 * after the change match". The retracted release is not moved by the merge (only standing facts
 * are); the earlier one is, from RU before and after, so only the RU subscriber hears of it.
 */
export function expectedDashboard(d: Required<Dashboard>): Record<DashboardList, Event[]> {
  const added: Event = { kind: "RELEASE", change: "ADDED", id: d.release, changedFields: [], previous: null };
  const corrected: Event = {
    kind: "RELEASE",
    change: "UPDATED",
    id: d.release,
    changedFields: ["fromCountry"],
    previous: { fromCountry: "RU" },
  };
  const retracted: Event = { kind: "RELEASE", change: "RETRACTED", id: d.release, changedFields: [], previous: null };
  const moved: Event = {
    kind: "RELEASE",
    change: "UPDATED",
    id: d.earlier,
    changedFields: ["personId"],
    previous: { personId: d.merged },
  };
  const keptUpdated: Event = { kind: "PERSON", change: "UPDATED", id: d.kept, changedFields: ["aliases"] };
  const mergedAway: Event = { kind: "PERSON", change: "MERGED", id: d.merged, changedFields: ["mergedInto"] };
  const fact = ({ previous: _, ...e }: Event): Event => e;
  return {
    ru: [added, corrected, moved],
    us: [corrected, retracted],
    facts: [added, corrected, retracted, moved, keptUpdated, mergedAway].map(fact),
    persons: [keptUpdated, mergedAway],
    /** releaseAdded(fromCountry: "RU"): the addition only. */
    addedRu: [fact(added)],
  };
}

/** The dashboard's subscriptions, by the names of expectedDashboard's lists. */
export const DASHBOARD = {
  ru: [RELEASE_CHANGED, { from: "RU" }],
  us: [RELEASE_CHANGED, { from: "US" }],
  facts: [FACT_CHANGED, {}],
  persons: [FACT_CHANGED, { kinds: ["PERSON"] }],
  addedRu: [RELEASE_ADDED, { from: "RU" }],
} as const;
export type DashboardList = keyof typeof DASHBOARD;
