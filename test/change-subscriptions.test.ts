// Change subscriptions (releaseChanged, statementChanged, factChanged) in one process, on PGlite
// and on PostgreSQL: the dashboard of issue 17 over graphql-ws and SSE, replay from a cursor,
// the old-or-new filter rule, additions-only subscriptions unchanged, one feed read per event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor } from "../src/feed/cursor.js";
import {
  type Admin,
  adminOf,
  DASHBOARD,
  type DashboardList,
  type Event,
  eventsOf,
  expectedDashboard,
  FACT_CHANGED,
  increasing,
  prepareDashboard,
  RELEASE_ADDED,
  RELEASE_CHANGED,
  runDashboard,
  STATEMENT_ADDED,
  STATEMENT_CHANGED,
  WRITES,
} from "./support/changes.js";
import { startServer, type TestServer } from "./support/server.js";
import { type Subscriber, sseSubscribe, wsSubscribe } from "./support/subscribers.js";
import { until } from "./support/until.js";

let server: TestServer;
let admin: Admin;
const open: Subscriber[] = [];

beforeAll(async () => {
  server = await startServer({ seed: false });
  admin = adminOf(server.url);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

function ws(query: string, variables: Record<string, unknown> = {}): Subscriber {
  return open[open.push(wsSubscribe(server.wsUrl, query, variables)) - 1] as Subscriber;
}
function sse(query: string, variables: Record<string, unknown> = {}): Subscriber {
  return open[open.push(sseSubscribe(server.url, query, variables)) - 1] as Subscriber;
}

const feedCursor = async () => (await admin("{ feedCursor }")).feedCursor as string;
/**
 * A subscription without `after:` starts at what the hub has read: wait until that is the feed's
 * head, so that facts written just before do not reach it.
 */
async function hubCaughtUp(): Promise<string> {
  const head = await feedCursor();
  await until(() => server.app.feed.position >= (decodeCursor(head) as number));
  return head;
}
/** A quiet moment after the last expected event: an extra one would arrive in it. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("the dashboard: a release added from RU, corrected to US, retracted, its person merged", () => {
  it("each subscriber gets exactly its events in feed order, over graphql-ws and SSE, and a replay gives the same", async () => {
    const dashboard = await prepareDashboard(admin);
    const start = await feedCursor();
    const lists = Object.entries(DASHBOARD) as [DashboardList, (typeof DASHBOARD)[DashboardList]][];
    const subscribers = new Map(
      lists.map(([name, [query, variables]]) => [
        name,
        [ws(query, { ...variables, after: start }), sse(query, { ...variables, after: start })],
      ]),
    );
    const scenario = await runDashboard(admin, dashboard);
    const expected = expectedDashboard(scenario);

    for (const [name, list] of subscribers) {
      for (const s of list) await s.until((r) => r.length >= expected[name].length);
    }
    await quiet();
    // One feed: a change has the same cursor in every subscription that receives it.
    const facts = eventsOf(subscribers.get("facts")?.[0]?.results ?? []);
    const keyOf = (e: Event) => `${e.kind}:${e.id}:${e.change}:${e.changedFields}`;
    const cursorOf = new Map(facts.events.map((e, i) => [keyOf(e), facts.cursors[i]]));
    for (const [name, list] of subscribers) {
      for (const s of list) {
        const { events, cursors } = eventsOf(s.results);
        expect(events, name).toEqual(expected[name]);
        expect(increasing(cursors), name).toBe(true);
        expect(cursors, name).toEqual(events.map((e) => cursorOf.get(keyOf(e))));
      }
      // Both transports deliver the same results, byte for byte.
      const [overWs, overSse] = list.map((s) => JSON.stringify(s.results));
      expect(overSse, name).toBe(overWs);
    }
    // The release as it stands now: its person is the one kept.
    const ru = subscribers.get("ru")?.[0]?.results.at(-1)?.data?.releaseChanged;
    expect(ru.release.person.name).toBe(`Vadim Krasikov ${scenario.tag}`);

    // A replay from the first cursor (filtered in SQL, not in memory) gives the identical list;
    // one after the first event's cursor gives the rest.
    for (const [name, [query, variables]] of lists) {
      const live = eventsOf(subscribers.get(name)?.[0]?.results ?? []);
      const fromStart = ws(query, { ...variables, after: start });
      const fromFirst = sse(query, { ...variables, after: live.cursors[0] });
      await fromStart.until((r) => r.length >= live.events.length);
      await fromFirst.until((r) => r.length >= live.events.length - 1);
      await quiet();
      expect(eventsOf(fromStart.results), name).toEqual(live);
      expect(eventsOf(fromFirst.results).events, name).toEqual(expected[name].slice(1));
    }
  });
});

describe("statementChanged", () => {
  it("reaches subscribers of the speaker and of the persons it was about before or after a change or merge", async () => {
    const id = async (query: string, input: Record<string, unknown>) =>
      (await admin(query, { input })).result.id as string;
    const source = await id(WRITES.addSource, { publisher: "Statement wire" });
    const [speaker, first, second] = await Promise.all(
      ["Speaker", "First Subject", "Second Subject"].map((name) => id(WRITES.addPerson, { name, sourceIds: [source] })),
    );
    const start = await feedCursor();
    const subscribers = {
      speaker: sse(STATEMENT_CHANGED, { speaker, after: start }),
      first: ws(STATEMENT_CHANGED, { about: first, after: start }),
      second: ws(STATEMENT_CHANGED, { about: second, after: start }),
      addedFirst: ws(STATEMENT_ADDED, { about: first, after: start }),
      addedSecond: sse(STATEMENT_ADDED, { about: second, after: start }),
    };
    const statement = await id(WRITES.addStatement, {
      speakerId: speaker,
      text: "They will be home soon.",
      saidOn: "2025-06-01",
      subjectIds: [first],
      sourceIds: [source],
    });
    const correct = (input: Record<string, unknown>) =>
      admin(WRITES.updateStatement, { id: statement, input, reason: "Transcript checked." });
    await correct({ subjectIds: [second] });
    await correct({ text: "They will all be home soon." });
    await admin(WRITES.retractStatement, { id: statement, reason: "Misattributed." });
    // Another statement about the first subject, which then turns out to be the second one.
    const later = await id(WRITES.addStatement, {
      speakerId: speaker,
      text: "We are waiting for them.",
      saidOn: "2025-06-02",
      subjectIds: [first],
      sourceIds: [source],
    });
    await admin(WRITES.mergePersons, { keep: second, merge: first, reason: "The same person." });

    const e = (change: string, changedFields: string[] = [], previous: unknown = null, of = statement) => ({
      kind: "STATEMENT",
      change,
      id: of,
      changedFields,
      previous,
    });
    const added = e("ADDED");
    const moved = e("UPDATED", ["subjectIds"], { subjectIds: [first] });
    const reworded = e("UPDATED", ["text"], { text: "They will be home soon." });
    const retracted = e("RETRACTED");
    const laterAdded = e("ADDED", [], null, later);
    const laterMerged = e("UPDATED", ["subjectIds"], { subjectIds: [first] }, later);
    const addition = ({ previous: _, ...event }: typeof added) => event;
    const expected = {
      speaker: [added, moved, reworded, retracted, laterAdded, laterMerged],
      first: [added, moved, laterAdded, laterMerged],
      second: [moved, reworded, retracted, laterMerged],
      addedFirst: [addition(added), addition(laterAdded)],
      addedSecond: [],
    };
    for (const [name, s] of Object.entries(subscribers)) {
      await s.until((r) => r.length >= expected[name as keyof typeof expected].length);
    }
    await quiet();
    for (const [name, s] of Object.entries(subscribers)) {
      expect(eventsOf(s.results).events, name).toEqual(expected[name as keyof typeof expected]);
    }
    const subjects = subscribers.speaker.results.at(-1)?.data?.statementChanged.statement.subjects;
    expect(subjects).toEqual([{ id: second }]);
  });
});

describe("one reader per process", () => {
  it("reads the feed once per change for all releaseChanged and factChanged subscribers", async () => {
    const { source, kept: person } = await prepareDashboard(admin);
    await hubCaughtUp();
    const attached = server.app.feed.subscriberCount;
    const subscribers = [
      ws(RELEASE_CHANGED, { from: "RU" }),
      ws(RELEASE_CHANGED, { from: "US" }),
      sse(RELEASE_CHANGED, {}),
      ws(FACT_CHANGED, { kinds: ["RELEASE"] }),
      sse(RELEASE_ADDED, {}),
    ];
    await until(() => server.app.feed.subscriberCount === attached + subscribers.length);
    server.statements.length = 0;
    const started = Date.now();
    // 8 additions, each corrected from RU to US, then retracted: 24 changes.
    for (let i = 0; i < 8; i++) {
      const input = { personId: person, releasedOn: `2025-03-0${i + 1}`, fromCountry: "RU", sourceIds: [source] };
      const { result } = await admin(WRITES.addRelease, { input });
      await admin(WRITES.updateRelease, { id: result.id, input: { fromCountry: "US" }, reason: "Misread." });
      await admin(WRITES.retractRelease, { id: result.id, reason: "Never happened." });
    }
    const counts = [16, 16, 24, 24, 8];
    for (const [i, s] of subscribers.entries()) await s.until((r) => r.length === counts[i]);
    const feedReads = server.statements.filter((s) => /from "feed_event" where/i.test(s)).length;
    console.info(`24 changes to ${subscribers.length} change subscribers: ${feedReads} feed reads`);
    // At most one per change and per 3 s poll, plus slack for a read already under way; once
    // per subscriber it would be 100 or more.
    expect(feedReads).toBeGreaterThan(0);
    expect(feedReads).toBeLessThanOrEqual(27 + Math.ceil((Date.now() - started) / 3000));
  });

  it("runs an event's execution once for alike releaseChanged subscribers, whatever their filters", async () => {
    const { source, kept: person } = await prepareDashboard(admin);
    const query = `subscription ($after: String, $from: CountryCode) {
      releaseChanged(after: $after, fromCountry: $from) { cursor change release { id person { name sentences { kind } } } }
    }`;
    const attached = server.app.feed.subscriberCount;
    const start = await hubCaughtUp();
    const subscribers = [ws(query), ws(query, { from: "RU" }), ws(query, { after: start }), sse(query, { from: "RU" })];
    await until(() => server.app.feed.subscriberCount === attached + subscribers.length);
    server.statements.length = 0;
    const input = { personId: person, releasedOn: "2025-02-01", fromCountry: "RU", sourceIds: [source] };
    const { result } = await admin(WRITES.addRelease, { input });
    for (const s of subscribers) await s.until((r) => r.length > 0);
    const results = subscribers.map((s) => s.results[0]);
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]?.data?.releaseChanged.release.id).toBe(result.id);
    const loads = server.statements.filter((s) => /from "release"/i.test(s) && /"sentence"/.test(s));
    expect(loads, loads.join("\n----\n")).toHaveLength(1);
  });
});
