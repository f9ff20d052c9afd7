// Apps in one process (tests, the bench) share nothing: each has its own database, feed and
// shared results. And which graphql-ws subscribers share the execution of an event: those whose
// operations resolve it alike (the same document and variables apart from the root field's
// arguments) for the same kind of caller; admins and anonymous callers never.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGlobalId } from "../src/graphql/global-id.js";
import { createWorld, type World, writeFact } from "./support/feed-facts.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";
import { type Subscriber, wsSubscribe } from "./support/subscribers.js";
import { until } from "./support/until.js";

let one: TestServer;
let two: TestServer;
let worldOne: World;
let worldTwo: World;
const open: Subscriber[] = [];
let lastCursor: string | undefined;

beforeAll(async () => {
  [one, two] = await Promise.all([startServer({ seed: false }), startServer({ seed: false })]);
  [worldOne, worldTwo] = await Promise.all([createWorld(one.database.db, 4), createWorld(two.database.db, 4)]);
});
afterAll(async () => {
  await Promise.all(open.map((subscriber) => subscriber.close()));
  await Promise.all([one?.close(), two?.close()]);
});

function subscribe(server: TestServer, query: string, variables = {}, authorization?: string): Subscriber {
  const subscriber = wsSubscribe(server.wsUrl, query, variables, authorization ? { authorization } : undefined);
  open.push(subscriber);
  return subscriber;
}

describe("two apps in one process", () => {
  it("each subscriber gets its own app's events, at the same feed positions", async () => {
    const query = "subscription { releaseAdded { cursor release { id person { name } } } }";
    const before = [one.app.feed.subscriberCount, two.app.feed.subscriberCount];
    const onOne = subscribe(one, query);
    const onTwo = subscribe(two, query);
    await until(
      () => one.app.feed.subscriberCount > (before[0] ?? 0) && two.app.feed.subscriberCount > (before[1] ?? 0),
    );
    // Both databases are new: each first release is at position 1 of its own feed.
    const first = await writeFact(one.database.db, worldOne, 0);
    await onOne.until((results) => results.length === 1);
    const second = await writeFact(two.database.db, worldTwo, 0);
    await onTwo.until((results) => results.length === 1);
    const [fromOne] = onOne.results;
    const [fromTwo] = onTwo.results;
    expect(fromOne?.data?.releaseAdded.release.id).toBe(encodeGlobalId("Release", first.id));
    expect(fromOne?.data?.releaseAdded.release.person.name).toContain(worldOne.tag);
    expect(fromTwo?.data?.releaseAdded.release.id).toBe(encodeGlobalId("Release", second.id));
    expect(fromTwo?.data?.releaseAdded.release.person.name).toContain(worldTwo.tag);
    expect(fromOne?.data?.releaseAdded.cursor).toBe(fromTwo?.data?.releaseAdded.cursor);
    lastCursor = fromOne?.data?.releaseAdded.cursor;
  });
});

describe("sharing an event's execution over graphql-ws", () => {
  it("is by document, variables beneath the root field and kind of caller", async () => {
    const query = `subscription ($after: String, $from: CountryCode, $withDate: Boolean!) {
      releaseAdded(after: $after, fromCountry: $from) {
        cursor release { id releasedOn @include(if: $withDate) person { name sentences { kind } } }
      }
    }`;
    // Resuming from the first event, written by the test above.
    const head = lastCursor;
    const admin = `Bearer ${TEST_ADMIN_TOKEN}`;
    const invalid = "Bearer not-a-key-of-this-service-000000";
    const before = one.app.feed.subscriberCount;
    const groups = {
      // Root arguments only choose which events arrive: these three share.
      anonymous: [
        subscribe(one, query, { withDate: false }),
        subscribe(one, query, { withDate: false, from: "RU" }),
        subscribe(one, query, { withDate: false, after: head }),
      ],
      // The same document and variables, but a caller whose credentials were refused.
      invalid: [subscribe(one, query, { withDate: false }, invalid)],
      // Admins share among themselves, never with anyone else.
      admins: [
        subscribe(one, query, { withDate: false }, admin),
        subscribe(one, query, { withDate: false, from: "RU" }, admin),
      ],
      // A variable used beneath the root field changes the result: its own execution.
      withDate: [subscribe(one, query, { withDate: true })],
    };
    const all = Object.values(groups).flat();
    await until(() => one.app.feed.subscriberCount === before + all.length);
    one.statements.length = 0;
    // Fact 4 is a release from RU: every one of them takes it.
    const written = await writeFact(one.database.db, worldOne, 4);
    for (const subscriber of all) await subscriber.until((results) => results.length > 0);
    for (const subscriber of all) {
      expect(subscriber.results[0]?.data?.releaseAdded.release.id).toBe(encodeGlobalId("Release", written.id));
    }
    expect(groups.withDate[0]?.results[0]?.data?.releaseAdded.release.releasedOn).toBeDefined();
    // One load of the release with its person's sentences per execution: one per group.
    const loads = one.statements.filter((s) => /from "release"/i.test(s) && /"sentence"/.test(s));
    expect(loads, loads.join("\n----\n")).toHaveLength(Object.keys(groups).length);
  });
});
