// The exact response cache, in one process (PGlite or PostgreSQL). Whether an answer came from
// the cache shows in the SQL the database ran for it. Writes reach the cache two ways: the
// writing instance drops what a mutation changed before it answers, and every instance drops
// what each feed event announces before its subscribers get that event.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addRelease, correctFact, retract } from "../src/facts/write.js";
import { encodeCursor } from "../src/feed/cursor.js";
import { feedHead } from "../src/feed/read.js";
import { encodeGlobalId, idOf } from "../src/graphql/global-id.js";
import { MUTATIONS, RESULT, type References, references } from "./support/admin.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";
import { wsSubscribe } from "./support/subscribers.js";

let server: TestServer;
/** Hears no feed doorbell and polls once a minute: only the writer's own invalidation reaches it. */
let deaf: TestServer;
let refs: References;
beforeAll(async () => {
  [server, deaf] = await Promise.all([
    startServer(),
    startServer({
      env: { FEED_POLL_MS: "60000" },
      wrap: (database) => ({ ...database, listen: async () => async () => {} }),
    }),
  ]);
  refs = await references(server);
});
afterAll(async () => {
  await Promise.all([server?.close(), deaf?.close()]);
});

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const NESTED = `query ($slug: String!) {
  exchangeEvent(slug: $slug) { name releaseCount releases { releasedOn person { name sentences { kind } } } }
}`;
const RELEASES = `{ releases(first: 2) { totalCount nodes { releasedOn person { name } } } }`;

/** SQL statements the request ran, leaving out the feed hub's own reads. */
async function sqlOf<T>(s: TestServer, request: () => Promise<T>): Promise<{ result: T; sql: number }> {
  const before = s.statements.length;
  const result = await request();
  const sql = s.statements.slice(before).filter((text) => !/feed_event|feed_head|pg_notify/.test(text)).length;
  return { result, sql };
}

async function mutate(s: TestServer, name: keyof typeof MUTATIONS, variables: Record<string, unknown>) {
  const response = await s.gql<{ result: { __typename: string; id?: string } }>(MUTATIONS[name], variables, ADMIN);
  const result = response.data?.result;
  if (!result?.id) throw new Error(`${name} failed: ${JSON.stringify(response)}`);
  return result.id;
}

let persons = 0;
/** A new person's release through the API, in the Ankara exchange or outside any. */
async function release(s: TestServer, inAnkara: boolean) {
  const name = `Cache Test Person ${++persons}`;
  const personId = await mutate(s, "addPerson", { input: { name, nationalities: ["RU"] } });
  return mutate(s, "addRelease", {
    input: {
      personId,
      releasedOn: "2025-06-01",
      fromCountry: "US",
      toCountry: "RU",
      ...(inAnkara ? { exchangeId: refs.ankara } : {}),
      sourceIds: [refs.source],
    },
  });
}

const ankara = (s: TestServer) => s.gql(NESTED, { slug: "2024-08-01-ankara" });
const exchange = (s: TestServer, slug: string) => s.gql(NESTED, { slug });
/** Without the releases' persons, so that only the exchange itself can drop it. */
const releaseCount = async (s: TestServer, slug: string) =>
  (await s.gql(`query ($slug: String!) { exchangeEvent(slug: $slug) { releaseCount } }`, { slug })).data?.exchangeEvent
    .releaseCount;

const UPDATE_RELEASE = `mutation ($id: ID!, $input: UpdateReleaseInput!) {
  result: updateRelease(id: $id, input: $input, reason: "a cache test") { ${RESULT} }
}`;
const RETRACT_RELEASE = `mutation ($id: ID!) { result: retractRelease(id: $id, reason: "a cache test") { ${RESULT} } }`;
const RELEASE_NOTE = `query ($id: ID!) { node(id: $id) { ... on Release { note } } }`;

/** A correction or retraction through the API, checked to have succeeded. */
async function change(s: TestServer, document: string, variables: Record<string, unknown>) {
  const response = await s.gql<{ result: { __typename: string } }>(document, variables, ADMIN);
  expect(response.data?.result.__typename, JSON.stringify(response)).toBe("Release");
}

describe("the response cache", () => {
  it("answers a repeated anonymous read without SQL, and the same bytes", async () => {
    const first = await sqlOf(server, () => ankara(server));
    const second = await sqlOf(server, () => ankara(server));
    expect(first.sql).toBeGreaterThan(0);
    expect(second.sql).toBe(0);
    expect(second.result).toEqual(first.result);
    expect(first.result.data?.exchangeEvent.releaseCount).toBe(24);
  });

  it("sends a hit as the very bytes of the answer it stands for, over POST, GET and SSE", async () => {
    const query = `{ exchangeEvent(slug: "2024-08-01-ankara") { name occurredOn releases { releasedOn } } }`;
    const post = () =>
      fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      }).then((response) => response.text());
    const get = () => fetch(`${server.url}?query=${encodeURIComponent(query)}`).then((response) => response.text());
    const sse = () =>
      fetch(`${server.url}?query=${encodeURIComponent(query)}`, { headers: { accept: "text/event-stream" } }).then(
        (response) => response.text(),
      );
    const miss = await sqlOf(server, post);
    const hits = await sqlOf(server, async () => [await post(), await get(), await post()]);
    expect(miss.sql).toBeGreaterThan(0);
    expect(hits.sql).toBe(0);
    expect(JSON.parse(miss.result).data.exchangeEvent.name).toBeTruthy();
    expect(hits.result).toEqual([miss.result, miss.result, miss.result]);
    // An event stream carries the same text as its one `next` event.
    expect(await sse()).toContain(`data: ${miss.result}`);
  });

  it("never serves or fills it for a request with credentials", async () => {
    await server.gql(RELEASES);
    expect((await sqlOf(server, () => server.gql(RELEASES, {}, ADMIN))).sql).toBeGreaterThan(0);
    const bad = await sqlOf(server, () => server.gql(RELEASES, {}, { authorization: "Bearer nope" }));
    expect(bad.sql).toBeGreaterThan(0);
    const query = `{ exchangeEvents(first: 1) { totalCount } }`;
    await server.gql(query, {}, ADMIN);
    expect((await sqlOf(server, () => server.gql(query))).sql).toBeGreaterThan(0);
  });

  it("never keeps an answer with errors", async () => {
    // auditLog is admin-only: anonymous gets an error beside the exchange's data.
    const query = `{ exchangeEvent(slug: "2024-08-01-ankara") { name } auditLog(first: 1) { totalCount } }`;
    const first = await sqlOf(server, () => server.gql(query));
    expect(first.result.errors?.length).toBeGreaterThan(0);
    expect((await sqlOf(server, () => server.gql(query))).sql).toBeGreaterThan(0);
  });
});

describe("a write through this instance", () => {
  it("is never followed by the old answer", async () => {
    for (let i = 0; i < 4; i++) {
      const nested = await ankara(deaf);
      const list = await deaf.gql(RELEASES);
      await release(deaf, i % 2 === 0);
      expect((await deaf.gql(RELEASES)).data?.releases.totalCount).toBe(list.data?.releases.totalCount + 1);
      expect((await ankara(deaf)).data?.exchangeEvent.releaseCount).toBe(
        nested.data?.exchangeEvent.releaseCount + (i % 2 === 0 ? 1 : 0),
      );
    }
  });

  it("keeps an answer holding none of the objects a new fact links to, and drops every list", async () => {
    const other = `{ exchangeEvent(slug: "2022-12-08-abu-dhabi") { name releases { person { name } } } }`;
    const stats = `{ stats { releases } }`;
    const before = await deaf.gql(stats);
    await deaf.gql(other);
    await release(deaf, false);
    const kept = await sqlOf(deaf, () => deaf.gql(other));
    expect(kept.result.data?.exchangeEvent.name).toBeTruthy();
    expect(kept.sql).toBe(0);
    expect((await deaf.gql(stats)).data?.stats.releases).toBe(before.data?.stats.releases + 1);
  });

  it("drops a lookup that found nothing", async () => {
    const slug = "2025-06-01-cache-test";
    const query = `{ exchangeEvent(slug: "${slug}") { name } }`;
    expect((await deaf.gql(query)).data?.exchangeEvent).toBeNull();
    await mutate(deaf, "addExchangeEvent", {
      input: { slug, name: "Cache test exchange", occurredOn: "2025-06-01", sourceIds: [refs.source] },
    });
    expect((await deaf.gql(query)).data?.exchangeEvent).toEqual({ name: "Cache test exchange" });
  });

  it("drops the answers holding a sentence a new release ends", async () => {
    const query = `query ($id: ID!) { node(id: $id) { ... on Sentence { releases { releasedOn } } } }`;
    const { id } = refs.seleznevSentence;
    const before = (await deaf.gql(query, { id })).data?.node.releases.length;
    await mutate(deaf, "addRelease", {
      input: {
        personId: refs.seleznev,
        sentenceId: id,
        releasedOn: "2025-06-02",
        fromCountry: "US",
        toCountry: "RU",
        sourceIds: [refs.source],
      },
    });
    expect((await deaf.gql(query, { id })).data?.node.releases).toHaveLength(before + 1);
  });

  it("drops the answers of both exchanges a corrected release moved between, and keeps a third's", async () => {
    const [from, to, third] = ["2024-08-01-ankara", "2022-04-27-turkiye", "2010-07-09-vienna"];
    const id = await release(deaf, true);
    const counts = [await releaseCount(deaf, from), await releaseCount(deaf, to)];
    await exchange(deaf, third);
    const toId = (await deaf.gql(`{ exchangeEvent(slug: "${to}") { id } }`)).data?.exchangeEvent.id;
    await change(deaf, UPDATE_RELEASE, { id, input: { exchangeId: toId } });
    expect([await releaseCount(deaf, from), await releaseCount(deaf, to)]).toEqual([counts[0] - 1, counts[1] + 1]);
    const kept = await sqlOf(deaf, () => exchange(deaf, third));
    expect(kept.result.data?.exchangeEvent.name).toBeTruthy();
    expect(kept.sql).toBe(0);
  });

  it("drops a release looked up by id once it is corrected, and its exchange's once it is retracted", async () => {
    const id = await release(deaf, true);
    expect((await deaf.gql(RELEASE_NOTE, { id })).data?.node.note).toBeNull();
    await change(deaf, UPDATE_RELEASE, { id, input: { note: "Corrected by the cache test." } });
    expect((await deaf.gql(RELEASE_NOTE, { id })).data?.node.note).toBe("Corrected by the cache test.");
    const before = await releaseCount(deaf, "2024-08-01-ankara");
    await change(deaf, RETRACT_RELEASE, { id });
    expect(await releaseCount(deaf, "2024-08-01-ankara")).toBe(before - 1);
  });

  it("keeps every answer when the write is refused, and drops everything for a mutation that does not say what it wrote", async () => {
    const id = await release(deaf, true);
    await exchange(deaf, "2024-08-01-ankara");
    const refused = await deaf.gql<{ result: { __typename: string } }>(
      UPDATE_RELEASE,
      { id, input: { fromCountry: "ZZ" } },
      ADMIN,
    );
    expect(refused.data?.result.__typename).toBe("ValidationError");
    expect((await sqlOf(deaf, () => exchange(deaf, "2024-08-01-ankara"))).sql).toBe(0);
    // A refused field beside one that reports nothing (an API key's creation): everything goes.
    const both = await deaf.gql(
      `mutation ($id: ID!) {
        refused: updateRelease(id: $id, input: { fromCountry: "ZZ" }, reason: "a cache test") { __typename }
        key: createApiKey(name: "cache-test-key") { __typename }
      }`,
      { id },
      ADMIN,
    );
    expect(both.errors, JSON.stringify(both)).toBeUndefined();
    expect((await sqlOf(deaf, () => exchange(deaf, "2024-08-01-ankara"))).sql).toBeGreaterThan(0);
  });

  it("keeps every answer when a mutation comes without an admin's credentials", async () => {
    await exchange(deaf, "2024-08-01-ankara");
    for (const authorization of [undefined, "Bearer not-a-key"]) {
      const refused = await deaf.gql(
        MUTATIONS.addPerson,
        { input: { name: "Cache Flusher", nationalities: ["RU"] } },
        authorization ? { authorization } : {},
      );
      expect(refused.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
      expect((await sqlOf(deaf, () => exchange(deaf, "2024-08-01-ankara"))).sql).toBe(0);
    }
  });

  it("drops the answers holding a person it changed", async () => {
    const query = `query ($id: ID!) { node(id: $id) { ... on Person { name description } } }`;
    await deaf.gql(query, { id: refs.krasikov });
    await mutate(deaf, "updatePerson", { id: refs.krasikov, input: { description: "Changed by the cache test." } });
    expect((await deaf.gql(query, { id: refs.krasikov })).data?.node.description).toBe("Changed by the cache test.");
  });
});

describe("a write announced by the feed", () => {
  it("drops the answers holding a source another instance corrected, and no other source's", async () => {
    const query = `query ($id: ID!) { node(id: $id) { ... on Source { title } } }`;
    const source = (n: number) =>
      mutate(server, "addSource", {
        input: { url: `https://example.org/cache-source-${n}`, publisher: "Cache Wire", title: `Source ${n}` },
      });
    const [corrected, other] = [await source(1), await source(2)];
    // The feed announces the two additions too, each dropping its own source's answers: past them.
    const head = await feedHead(server.database.db);
    await vi.waitFor(() => expect(server.app.feed.position).toBeGreaterThanOrEqual(head), { timeout: 10_000 });
    await server.gql(query, { id: corrected });
    await server.gql(query, { id: other });
    // Corrected straight through src/facts, as another instance would.
    await correctFact(server.database.db, "source", idOf(corrected, "Source"), { title: "Retitled" }, "cache-test", {
      reason: "a test",
    });
    await vi.waitFor(
      async () => expect((await server.gql(query, { id: corrected })).data?.node.title).toBe("Retitled"),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    const kept = await sqlOf(server, () => server.gql(query, { id: other }));
    expect(kept.result.data?.node.title).toBe("Source 2");
    expect(kept.sql).toBe(0);
  });

  it("drops the answers of the exchanges and the release another instance corrected or retracted, and no others", async () => {
    const [from, to, third] = ["2025-02-11-fogel-vinnik", "2025-04-10-abu-dhabi", "2022-12-08-abu-dhabi"];
    const written = await addRelease(
      server.database.db,
      {
        personId: idOf(refs.krasikov, "Person"),
        exchangeId: idOf(
          (await server.gql(`{ exchangeEvent(slug: "${from}") { id } }`)).data?.exchangeEvent.id,
          "ExchangeEvent",
        ),
        releasedOn: "2025-08-01",
        fromCountry: "US",
        sourceIds: [idOf(refs.source, "Source")],
      },
      "cache-test",
    );
    const id = encodeGlobalId("Release", written.id);
    const head = await feedHead(server.database.db);
    await vi.waitFor(() => expect(server.app.feed.position).toBeGreaterThanOrEqual(head), { timeout: 10_000 });
    const counts = [await releaseCount(server, from), await releaseCount(server, to)];
    await exchange(server, third);
    await server.gql(RELEASE_NOTE, { id });
    const toId = (await server.gql(`{ exchangeEvent(slug: "${to}") { id } }`)).data?.exchangeEvent.id;
    // Straight through src/facts, as another instance would.
    await correctFact(
      server.database.db,
      "release",
      written.id,
      { exchangeId: idOf(toId, "ExchangeEvent"), note: "Moved" },
      "cache-test",
      {
        reason: "a test",
      },
    );
    await vi.waitFor(
      async () =>
        expect([await releaseCount(server, from), await releaseCount(server, to)]).toEqual([
          counts[0] - 1,
          counts[1] + 1,
        ]),
      { timeout: 10_000, interval: 50 },
    );
    expect((await server.gql(RELEASE_NOTE, { id })).data?.node.note).toBe("Moved");
    const kept = await sqlOf(server, () => exchange(server, third));
    expect(kept.sql).toBe(0);
    await retract(server.database.db, "release", written.id, { reason: "a test" }, "cache-test");
    await vi.waitFor(async () => expect(await releaseCount(server, to)).toBe(counts[1]), {
      timeout: 10_000,
      interval: 50,
    });
  });

  it("is dropped before this instance's subscribers hear of it", async () => {
    // Written straight through src/facts, as another instance or the import command would.
    const write = (n: number) =>
      addRelease(
        server.database.db,
        {
          personId: idOf(refs.seleznev, "Person"),
          releasedOn: `2025-07-0${n}`,
          fromCountry: "US",
          sourceIds: [idOf(refs.source, "Source")],
        },
        "cache-test",
      );
    const seleznev = `query ($id: ID!) { node(id: $id) { ... on Person { releases { releasedOn } } } }`;
    const count = async () => (await server.gql(seleznev, { id: refs.seleznev })).data?.node.releases.length;
    const before = await count();
    expect((await sqlOf(server, count)).sql).toBe(0);
    const after = encodeCursor(await feedHead(server.database.db));
    const subscriber = wsSubscribe(
      server.wsUrl,
      `subscription ($after: String) { releaseAdded(after: $after) { cursor } }`,
      {
        after,
      },
    );
    try {
      // Read again the moment the event arrives: the answer must already be the new one.
      const onEvent = subscriber.until((r) => r.length === 1).then(count);
      await write(1);
      expect(await onEvent).toBe(before + 1);
      const second = subscriber.until((r) => r.length === 2).then(count);
      await write(2);
      expect(await second).toBe(before + 2);
    } finally {
      await subscriber.close();
    }
  });
});

describe("the response cache's size", () => {
  const LOOKUP = `query ($slug: String!) { exchangeEvent(slug: $slug) { name } }`;

  it("is bounded: past RESPONSE_CACHE_SIZE answers the least recently used is run again", async () => {
    const small = await startServer({ seed: false, env: { RESPONSE_CACHE_SIZE: "2" } });
    try {
      for (const slug of ["a", "b", "c"]) await small.gql(LOOKUP, { slug });
      expect((await sqlOf(small, () => small.gql(LOOKUP, { slug: "c" }))).sql).toBe(0);
      expect((await sqlOf(small, () => small.gql(LOOKUP, { slug: "a" }))).sql).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });

  describe("in bytes", () => {
    // About 9,050 characters of JSON and key: 45,250 bytes as the cache counts them (5 each).
    const description = "A long account of the exchange. ".repeat(280);
    /** The same answer under as many cache keys as there are operation names. */
    const described = (n: number) => `query Q${n} { exchangeEvent(slug: "2021-01-01-long") { description } }`;
    const withLongAnswer = async (maxBytes: number) => {
      const s = await startServer({ env: { RESPONSE_CACHE_MAX_BYTES: String(maxBytes) } });
      const { source } = await references(s);
      await mutate(s, "addExchangeEvent", {
        input: {
          slug: "2021-01-01-long",
          name: "A long one",
          occurredOn: "2021-01-01",
          description,
          sourceIds: [source],
        },
      });
      expect((await s.gql(described(0))).data).toEqual({ exchangeEvent: { description } });
      return s;
    };

    it("is bounded: past RESPONSE_CACHE_MAX_BYTES the least recently used answer is run again", async () => {
      // Room for ten such answers (and 1,000 by count); one may take 46,000 bytes.
      const s = await withLongAnswer(460_000);
      try {
        for (let n = 1; n <= 12; n++) await s.gql(described(n));
        expect((await sqlOf(s, () => s.gql(described(12)))).sql).toBe(0);
        expect((await sqlOf(s, () => s.gql(described(3)))).sql).toBe(0);
        expect((await sqlOf(s, () => s.gql(described(1)))).sql).toBeGreaterThan(0);
      } finally {
        await s.close();
      }
    });

    it("keeps no answer larger than a tenth of RESPONSE_CACHE_MAX_BYTES, and still the small ones", async () => {
      // One answer may take 44,000 bytes.
      const s = await withLongAnswer(440_000);
      try {
        await s.gql(described(1));
        const again = await sqlOf(s, () => s.gql(described(1)));
        expect(again.result.data).toEqual({ exchangeEvent: { description } });
        expect(again.sql).toBeGreaterThan(0);
        await ankara(s);
        expect((await sqlOf(s, () => ankara(s))).sql).toBe(0);
      } finally {
        await s.close();
      }
    });
  });

  it("is off with RESPONSE_CACHE_SIZE=0", async () => {
    const off = await startServer({ seed: false, env: { RESPONSE_CACHE_SIZE: "0" } });
    try {
      await off.gql(LOOKUP, { slug: "a" });
      expect((await sqlOf(off, () => off.gql(LOOKUP, { slug: "a" }))).sql).toBeGreaterThan(0);
    } finally {
      await off.close();
    }
  });
});
