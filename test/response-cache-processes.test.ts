// The response cache across two server processes on one PostgreSQL database: a write through A
// is never followed by A's old answer, and B has dropped its stale answers by the time B's
// subscribers hear of the write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../src/feed/cursor.js";
import { feedHead } from "../src/feed/read.js";
import { encodeGlobalId } from "../src/graphql/global-id.js";
import { MUTATIONS } from "./support/admin.js";
import { createTestDatabase, onPostgres, type TestDatabase } from "./support/database.js";
import { createWorld, type World } from "./support/feed-facts.js";
import { TEST_ADMIN_TOKEN } from "./support/server.js";
import { type Service, spawnService } from "./support/service.js";
import { type Subscriber, wsSubscribe } from "./support/subscribers.js";

let testDb: TestDatabase;
let world: World;
const services: Service[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  testDb = await createTestDatabase();
  world = await createWorld(testDb.database.db, 4);
  const env = { DATABASE_URL: testDb.url as string, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  services.push(...(await Promise.all([spawnService(env), spawnService(env)])));
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await testDb?.drop();
});

async function gql(service: Service, query: string, variables: Record<string, unknown> = {}, admin = false) {
  const response = await fetch(service.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(admin ? { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown };
}

const NESTED = `query ($slug: String!) { exchangeEvent(slug: $slug) { releaseCount releases { person { name } } } }`;
const LIST = `query ($id: ID!) { releases(exchangeId: $id, first: 1) { totalCount } }`;

describe.skipIf(!onPostgres)("the response cache on two server processes", () => {
  it("drops what a write through one changed, on both, before the other's subscribers hear of it", async () => {
    const [a, b] = services as [Service, Service];
    const slug = `1950-01-01-test-${world.tag}`;
    const exchangeId = encodeGlobalId("ExchangeEvent", world.exchangeId);
    const counts = async (service: Service) => {
      const [nested, list] = await Promise.all([
        gql(service, NESTED, { slug }),
        gql(service, LIST, { id: exchangeId }),
      ]);
      return [nested.data?.exchangeEvent.releaseCount, list.data?.releases.totalCount];
    };
    const after = encodeCursor(await feedHead(testDb.database.db));
    const subscriber: Subscriber = wsSubscribe(
      b.wsUrl,
      `subscription ($after: String) { releaseAdded(after: $after) { cursor } }`,
      {
        after,
      },
    );
    try {
      for (let i = 0; i < world.persons.length; i++) {
        // Both instances hold the current answers.
        expect(await counts(a)).toEqual([i, i]);
        expect(await counts(b)).toEqual([i, i]);
        const onB = subscriber.until((r) => r.length === i + 1).then(() => counts(b));
        const written = await gql(
          a,
          MUTATIONS.addRelease,
          {
            input: {
              personId: encodeGlobalId("Person", world.persons[i] as number),
              exchangeId,
              releasedOn: "1950-02-01",
              fromCountry: "RU",
              sourceIds: [encodeGlobalId("Source", world.sourceId)],
            },
          },
          true,
        );
        expect(written.data?.result.__typename).toBe("Release");
        expect(await counts(a)).toEqual([i + 1, i + 1]);
        expect(await onB).toEqual([i + 1, i + 1]);
      }
    } finally {
      await subscriber.close();
    }
  });

  it("drops what a retraction through one changed, on both, before the other's subscribers hear of it", async () => {
    const [a, b] = services as [Service, Service];
    const slug = `1950-01-01-test-${world.tag}`;
    const exchangeId = encodeGlobalId("ExchangeEvent", world.exchangeId);
    // Without the releases' persons, so that only the exchange itself can drop the answer.
    const count = async (service: Service) =>
      (await gql(service, `query ($slug: String!) { exchangeEvent(slug: $slug) { releaseCount } }`, { slug })).data
        ?.exchangeEvent.releaseCount;
    const ids: string[] = (
      await gql(
        a,
        `query ($id: ID!) { releases(exchangeId: $id, first: 10) { nodes { id } } }`,
        { id: exchangeId },
        true,
      )
    ).data?.releases.nodes.map((node: { id: string }) => node.id);
    expect(ids.length).toBe(world.persons.length);
    const after = encodeCursor(await feedHead(testDb.database.db));
    const subscriber: Subscriber = wsSubscribe(
      b.wsUrl,
      `subscription ($after: String) { releaseChanged(after: $after) { cursor } }`,
      { after },
    );
    try {
      for (const [i, id] of ids.entries()) {
        const standing = ids.length - i;
        expect([await count(a), await count(b)]).toEqual([standing, standing]);
        const onB = subscriber.until((r) => r.length === i + 1).then(() => count(b));
        const retracted = await gql(
          a,
          `mutation ($id: ID!) { result: retractRelease(id: $id, reason: "a cache test") { __typename } }`,
          { id },
          true,
        );
        expect(retracted.data?.result.__typename).toBe("Release");
        expect(await count(a)).toBe(standing - 1);
        expect(await onB).toBe(standing - 1);
      }
    } finally {
      await subscriber.close();
    }
  });
});
