// Subscriptions in one process, on PGlite and on PostgreSQL: filters, order, replay after a
// cursor, both transports, nested fields, bad cursors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../src/feed/cursor.js";
import { encodeGlobalId } from "../src/graphql/global-id.js";
import { createWorld, feedKeys, type World, type Written, writeFact, writeFacts } from "./support/feed-facts.js";
import { RawSocket } from "./support/raw.js";
import { startServer, type TestServer } from "./support/server.js";
import { keyOf, type Result, type Subscriber, sseSubscribe, wsSubscribe } from "./support/subscribers.js";
import { until } from "./support/until.js";

let server: TestServer;
let world: World;
const open: Subscriber[] = [];

beforeAll(async () => {
  server = await startServer({ seed: false });
  world = await createWorld(server.database.db, 53);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

function track(subscriber: Subscriber): Subscriber {
  open.push(subscriber);
  return subscriber;
}

async function headCursor(): Promise<string> {
  return encodeCursor((await feedKeys(server.database.db)).length);
}

/** The ids a subscriber received, in order, with their cursors. */
function received(results: Result[], field: "releaseAdded" | "statementAdded") {
  for (const r of results) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const events = results.map((r) => r.data?.[field]);
  const node = field === "releaseAdded" ? "release" : "statement";
  return { keys: events.map((e) => `${node}:${keyOf(e[node].id)}`), cursors: events.map((e) => e.cursor as string) };
}

/** Keys of `written` facts that pass `filter`, in the feed's (commit) order. */
async function expectedKeys(written: Written[], filter: (w: Written) => boolean): Promise<string[]> {
  const wanted = new Set(written.filter(filter).map((w) => `${w.kind}:${w.id}`));
  return (await feedKeys(server.database.db)).filter((key) => wanted.has(key));
}

const RELEASES = `subscription ($after: String, $from: CountryCode, $to: CountryCode, $exchange: ID) {
  releaseAdded(after: $after, fromCountry: $from, toCountry: $to, exchangeId: $exchange) {
    cursor release { id fromCountry toCountry person { name } exchange { slug } }
  }
}`;
const STATEMENTS = `subscription ($after: String, $about: ID, $speaker: ID) {
  statementAdded(after: $after, aboutPersonId: $about, speakerId: $speaker) {
    cursor statement { id text speaker { name } subjects { id } }
  }
}`;

describe("subscribers with different filters (2 over graphql-ws, 2 over SSE), 200 facts by 4 concurrent writers", () => {
  it("each receives exactly its matching events, in cursor order, with nested fields", async () => {
    const exchange = encodeGlobalId("ExchangeEvent", world.exchangeId);
    const about = encodeGlobalId("Person", world.persons[0] as number);
    const speaker = world.persons[1] as number;
    const fromRussia = track(wsSubscribe(server.wsUrl, RELEASES, { from: "RU" }));
    const aboutFirst = track(wsSubscribe(server.wsUrl, STATEMENTS, { about }));
    const exchangeToUs = track(sseSubscribe(server.url, RELEASES, { exchange, to: "US" }));
    const bySpeaker = track(sseSubscribe(server.url, STATEMENTS, { speaker: encodeGlobalId("Person", speaker) }));
    // Subscriptions without `after:` start now: write only once all are attached.
    await until(() => server.app.feed.subscriberCount === 4);

    const start = await headCursor();
    const started = performance.now();
    const written = await writeFacts(server.database.db, world, 0, 200, 4);
    const wantRu = await expectedKeys(written, (w) => w.kind === "release" && w.fromCountry === "RU");
    const wantAbout = await expectedKeys(
      written,
      (w) => w.kind === "statement" && w.subjectIds.includes(world.persons[0] as number),
    );
    const wantExchangeUs = await expectedKeys(
      written,
      (w) => w.kind === "release" && w.exchangeId === world.exchangeId && w.toCountry === "US",
    );
    const wantSpeaker = await expectedKeys(written, (w) => w.kind === "statement" && w.speakerId === speaker);
    expect([wantRu.length, wantAbout.length, wantExchangeUs.length, wantSpeaker.length]).toEqual([50, 25, 18, 34]);

    await fromRussia.until((r) => r.length >= wantRu.length);
    await aboutFirst.until((r) => r.length >= wantAbout.length);
    await exchangeToUs.until((r) => r.length >= wantExchangeUs.length);
    await bySpeaker.until((r) => r.length >= wantSpeaker.length);
    console.info(`200 facts by 4 writers delivered to 4 subscribers in ${Math.round(performance.now() - started)} ms`);
    // Nothing beyond: a short quiet period must bring no extra event.
    await new Promise((r) => setTimeout(r, 300));

    const ru = received(fromRussia.results, "releaseAdded");
    const aboutIt = received(aboutFirst.results, "statementAdded");
    const toUs = received(exchangeToUs.results, "releaseAdded");
    expect(ru.keys).toEqual(wantRu);
    expect(aboutIt.keys).toEqual(wantAbout);
    expect(toUs.keys).toEqual(wantExchangeUs);
    expect(received(bySpeaker.results, "statementAdded").keys).toEqual(wantSpeaker);
    for (const { cursors } of [ru, aboutIt, toUs]) expect([...cursors].sort(byCursor)).toEqual(cursors);

    const release = fromRussia.results[0]?.data?.releaseAdded.release;
    expect(release.fromCountry).toBe("RU");
    expect(release.person.name).toMatch(new RegExp(`^Test Person ${world.tag} \\d+$`));
    expect(toUs.keys.length).toBeGreaterThan(0);
    expect(exchangeToUs.results[0]?.data?.releaseAdded.release.exchange.slug).toBe(`1950-01-01-test-${world.tag}`);
    const statement = aboutFirst.results[0]?.data?.statementAdded.statement;
    expect(statement.subjects.map((s: { id: string }) => s.id)).toContain(about);
    expect(statement.speaker.name).toMatch(/^Test Person/);

    // Replayed with after: (filtered in SQL), the same filters select exactly the same events.
    const replays = [
      [RELEASES, { from: "RU" }, "releaseAdded", wantRu],
      [STATEMENTS, { about }, "statementAdded", wantAbout],
      [RELEASES, { exchange, to: "US" }, "releaseAdded", wantExchangeUs],
      [STATEMENTS, { speaker: encodeGlobalId("Person", speaker) }, "statementAdded", wantSpeaker],
    ] as const;
    for (const [query, variables, field, want] of replays) {
      const replay = track(wsSubscribe(server.wsUrl, query, { ...variables, after: start }));
      await replay.until((r) => r.length >= want.length);
      expect(received(replay.results, field).keys).toEqual(want);
    }
  });
});

describe("replay after a cursor", () => {
  it("a client that reconnects with after: gets exactly the 50 facts it missed, then live ones", async () => {
    const first = track(wsSubscribe(server.wsUrl, RELEASES, { after: await headCursor() }));
    const before = await writeFacts(server.database.db, world, 200, 2, 2, 2);
    await first.until((r) => r.length === 2);
    const last = first.results.at(-1)?.data?.releaseAdded.cursor as string;
    await first.close();

    const missed = await writeFacts(server.database.db, world, 204, 50, 4, 2);
    expect(missed.filter((w) => w.kind === "release")).toHaveLength(50);
    const again = track(sseSubscribe(server.url, RELEASES, { after: last }));
    await again.until((r) => r.length >= 50);
    const live = await writeFacts(server.database.db, world, 304, 3, 3, 2);
    await again.until((r) => r.length >= 53);
    await new Promise((r) => setTimeout(r, 300));

    const wantMissed = await expectedKeys(missed, (w) => w.kind === "release");
    const wantLive = await expectedKeys(live, (w) => w.kind === "release");
    const got = received(again.results, "releaseAdded");
    expect(got.keys).toEqual([...wantMissed, ...wantLive]);
    expect(new Set(got.keys).size).toBe(53);
    expect(got.keys).not.toContain(`release:${before[0]?.id}`);
    expect([...got.cursors].sort(byCursor)).toEqual(got.cursors);
  });

  it("without after: a subscription starts now and replays nothing", async () => {
    const attached = server.app.feed.subscriberCount;
    const now = track(wsSubscribe(server.wsUrl, RELEASES));
    await until(() => server.app.feed.subscriberCount === attached + 1);
    const fresh = await writeFacts(server.database.db, world, 310, 1, 1, 2);
    await now.until((r) => r.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received(now.results, "releaseAdded").keys).toEqual([`release:${fresh[0]?.id}`]);
  });

  it.each([
    ["not base64", "not a cursor!"],
    ["a global id", encodeGlobalId("Release", 1)],
    ["beyond the end of the feed", encodeCursor(10_000_000)],
    ["an exchangeId that is a person's id", undefined, encodeGlobalId("Person", 1)],
  ])(
    "rejects a bad argument (%s) with a clear BAD_USER_INPUT error on both transports",
    async (_name, after, exchange?: string) => {
      const ws = track(wsSubscribe(server.wsUrl, RELEASES, { after, exchange }));
      const sse = track(sseSubscribe(server.url, RELEASES, { after, exchange }));
      for (const subscriber of [ws, sse]) {
        await subscriber.until((r) => r.length === 1);
        const error = subscriber.results[0]?.errors?.[0];
        expect(error?.extensions?.code).toBe("BAD_USER_INPUT");
        expect(error?.message).toMatch(
          /Argument "after": .*(not a cursor|beyond the end)|not the id of a ExchangeEvent/,
        );
      }
    },
  );
});

describe("one reader per process", () => {
  it("reads the feed once per batch for all its subscribers, not once per subscriber", async () => {
    const attached = server.app.feed.subscriberCount;
    const five = Array.from({ length: 5 }, () => track(wsSubscribe(server.wsUrl, STATEMENTS)));
    await until(() => server.app.feed.subscriberCount === attached + 5);
    server.statements.length = 0;
    const started = Date.now();
    await writeFacts(server.database.db, world, 313, 20, 1, 2);
    for (const subscriber of five) await subscriber.until((r) => r.length === 20);
    const feedReads = server.statements.filter((s) => /from "feed_event" where/i.test(s)).length;
    console.info(`20 facts to 5 subscribers: ${feedReads} feed reads`);
    // At most one per ring (20 writes) and per 3 s poll, plus slack for a read already under
    // way; once per subscriber it would be 100 or more.
    expect(feedReads).toBeGreaterThan(0);
    expect(feedReads).toBeLessThanOrEqual(23 + Math.ceil((Date.now() - started) / 3000));
  });
});

function byCursor(a: string, b: string): number {
  const position = (c: string) => Number(Buffer.from(c, "base64url").toString().split(":")[1]);
  return position(a) - position(b);
}

describe("subscriptions sharing one socket", () => {
  it("each gets the event under its own id, with its own selection, however the results are shared", async () => {
    const socket = await RawSocket.open(server.wsUrl);
    const others = server.app.feed.subscriberCount;
    const full = "subscription { releaseAdded { cursor release { id person { name } } } }";
    const slim = "subscription { releaseAdded { cursor } }";
    const ids = { 'a"1': full, b: full, "c\u00e9": slim } as Record<string, string>;
    for (const [id, query] of Object.entries(ids)) socket.sendJson({ id, type: "subscribe", payload: { query } });
    try {
      const deadline = Date.now() + 10_000;
      while (server.app.feed.subscriberCount < others + 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const written = await writeFact(server.database.db, world, 10_000);
      for (const id of Object.keys(ids)) await socket.waitFor((m) => m.id === id && m.type === "next");
      const next = (id: string) => socket.messages.find((m) => m.id === id && m.type === "next")?.payload as Result;
      const [a, b, c] = Object.keys(ids).map(next);
      expect(a).toEqual(b);
      expect(keyOf(a?.data?.releaseAdded.release.id)).toBe(written.id);
      expect(a?.data?.releaseAdded.release.person.name).toMatch(/^Test Person/);
      expect(c).toEqual({ data: { releaseAdded: { cursor: a?.data?.releaseAdded.cursor } } });
      expect(JSON.stringify(socket.messages)).not.toContain("shared");
      // The shared result goes out as bytes, but in text frames, as every graphql-ws message.
      expect(socket.binaryFrames).toBe(0);
    } finally {
      socket.close();
    }
  });
});

describe("sharing an event's execution", () => {
  it("spans subscribers resuming from different cursors and with different filters", async () => {
    const query = `subscription ($after: String, $from: CountryCode) {
      releaseAdded(after: $after, fromCountry: $from) { cursor release { id person { name sentences { kind } } } }
    }`;
    const others = server.app.feed.subscriberCount;
    const head = await headCursor();
    const subscribers = [
      track(wsSubscribe(server.wsUrl, query, {})),
      track(wsSubscribe(server.wsUrl, query, { after: head })),
      track(wsSubscribe(server.wsUrl, query, { from: "RU" })),
      track(sseSubscribe(server.url, query, { after: head, from: "RU" })),
    ];
    const deadline = Date.now() + 10_000;
    while (server.app.feed.subscriberCount < others + 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server.statements.length = 0;
    // Fact 20,000 is a release from RU: every one of the four takes it.
    const written = await writeFact(server.database.db, world, 20_000);
    for (const subscriber of subscribers) await subscriber.until((results) => results.length > 0);
    const results = subscribers.map((s) => s.results[0]);
    for (const result of results) expect(result).toEqual(results[0]);
    expect(keyOf(results[0]?.data?.releaseAdded.release.id)).toBe(written.id);
    // The event's release, person and sentences were loaded once for all four (only this
    // document asks for sentences; the hub's read of the feed rows joins nothing).
    const loads = server.statements.filter((s) => /from "release"/i.test(s) && /"sentence"/.test(s));
    expect(loads, loads.join("\n----\n")).toHaveLength(1);
  });
});
