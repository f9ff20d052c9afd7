// Two server processes on one PostgreSQL database: a fact added through one reaches the
// subscribers of both, because each process reads the shared feed, not its own memory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../src/feed/cursor.js";
import { feedHead } from "../src/feed/read.js";
import { encodeGlobalId } from "../src/graphql/global-id.js";
import { MUTATIONS } from "./support/admin.js";
import { createTestDatabase, onPostgres, type TestDatabase } from "./support/database.js";
import { createWorld, feedKeys, type World } from "./support/feed-facts.js";
import { TEST_ADMIN_TOKEN } from "./support/server.js";
import { type Service, spawnService } from "./support/service.js";
import { keyOf, type Subscriber, sseSubscribe, wsSubscribe } from "./support/subscribers.js";

let testDb: TestDatabase;
let world: World;
const services: Service[] = [];
const open: Subscriber[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  testDb = await createTestDatabase();
  world = await createWorld(testDb.database.db, 12);
  const env = { DATABASE_URL: testDb.url as string, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  services.push(...(await Promise.all([spawnService(env), spawnService(env)])));
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await Promise.all(services.map((s) => s.stop()));
  await testDb?.drop();
});

async function mutate(service: Service, name: "addRelease" | "addStatement", input: Record<string, unknown>) {
  const response = await fetch(service.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    body: JSON.stringify({ query: MUTATIONS[name], variables: { input } }),
  });
  const body = (await response.json()) as { data?: { result: { __typename: string; id: string } }; errors?: unknown };
  if (!body.data?.result.id) throw new Error(`${name} failed: ${JSON.stringify(body)}`);
  return body.data.result.id;
}

const RELEASES = `subscription ($after: String) { releaseAdded(after: $after) { cursor release { id person { name } } } }`;
const STATEMENTS = `subscription ($after: String) { statementAdded(after: $after) { cursor statement { id speaker { name } } } }`;

describe.skipIf(!onPostgres)("two server processes on one database", () => {
  it("facts added through one process reach the subscribers of the other, and of itself, in feed order", async () => {
    const [a, b] = services as [Service, Service];
    // From the current head, so that none of the writes below can race the subscriptions.
    const after = encodeCursor(await feedHead(testDb.database.db));
    const onB = open[open.push(wsSubscribe(b.wsUrl, RELEASES, { after })) - 1] as Subscriber;
    const onBSse = open[open.push(sseSubscribe(b.url, STATEMENTS, { after })) - 1] as Subscriber;
    const onA = open[open.push(wsSubscribe(a.wsUrl, RELEASES, { after })) - 1] as Subscriber;

    const source = encodeGlobalId("Source", world.sourceId);
    const person = (i: number) => encodeGlobalId("Person", world.persons[i] as number);
    const written: string[] = [];
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const release = await mutate(a, "addRelease", {
        personId: person(i),
        releasedOn: "2025-09-01",
        fromCountry: "RU",
        sourceIds: [source],
      });
      const sent = performance.now();
      await onB.until((r) => r.some((e) => e.data?.releaseAdded.release.id === release), 10_000);
      latencies.push(performance.now() - sent);
      const statement = await mutate(a, "addStatement", {
        speakerId: person(11),
        text: `Said through process A, number ${i}.`,
        saidOn: "2025-09-02",
        sourceIds: [source],
      });
      written.push(`release:${keyOf(release)}`, `statement:${keyOf(statement)}`);
    }
    await onBSse.until((r) => r.length === 10);
    await onA.until((r) => r.length === 10);
    console.info(
      `A → B delivery: median ${Math.round(latencies.sort((x, y) => x - y)[5] ?? 0)} ms, max ${Math.round(Math.max(...latencies))} ms`,
    );

    const feed = (await feedKeys(testDb.database.db)).filter((k) => written.includes(k));
    const releasesInFeed = feed.filter((k) => k.startsWith("release:"));
    const statementsInFeed = feed.filter((k) => k.startsWith("statement:"));
    const keys = (s: Subscriber, field: "releaseAdded" | "statementAdded", node: "release" | "statement") =>
      s.results.map((r) => `${node}:${keyOf(r.data?.[field][node].id)}`);
    expect(releasesInFeed).toHaveLength(10);
    expect(keys(onB, "releaseAdded", "release")).toEqual(releasesInFeed);
    expect(keys(onA, "releaseAdded", "release")).toEqual(releasesInFeed);
    expect(keys(onBSse, "statementAdded", "statement")).toEqual(statementsInFeed);
    expect(onB.results[0]?.data?.releaseAdded.release.person.name).toBe(`Test Person ${world.tag} 0`);
    expect(onB.results.map((r) => r.data?.releaseAdded.cursor)).toEqual(
      onA.results.map((r) => r.data?.releaseAdded.cursor),
    );

    // Both stop cleanly with subscriptions still open.
    expect(await Promise.all(services.map((s) => s.stop()))).toEqual([0, 0]);
    await onBSse.until(() => onBSse.completed, 5_000);
  });
});
