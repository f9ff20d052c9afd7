// The dashboard of issue 17 across two server processes on one PostgreSQL database: subscribers
// on process A, every write (addition, correction, retraction, merge) through process B.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminOf,
  DASHBOARD,
  type DashboardList,
  eventsOf,
  expectedDashboard,
  increasing,
  prepareDashboard,
  runDashboard,
} from "./support/changes.js";
import { createTestDatabase, onPostgres, type TestDatabase } from "./support/database.js";
import { TEST_ADMIN_TOKEN } from "./support/server.js";
import { type Service, spawnService } from "./support/service.js";
import { type Subscriber, sseSubscribe, wsSubscribe } from "./support/subscribers.js";

let testDb: TestDatabase;
const services: Service[] = [];
const open: Subscriber[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  testDb = await createTestDatabase();
  const env = { DATABASE_URL: testDb.url as string, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  services.push(...(await Promise.all([spawnService(env), spawnService(env)])));
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await Promise.all(services.map((s) => s.stop()));
  await testDb?.drop();
});

const track = (s: Subscriber) => open[open.push(s) - 1] as Subscriber;

describe.skipIf(!onPostgres)("the dashboard across two server processes", () => {
  it("subscribers on A get exactly their events, in feed order, of changes made through B; a replay on B gives the same", async () => {
    const [a, b] = services as [Service, Service];
    const throughB = adminOf(b.url);
    const dashboard = await prepareDashboard(throughB);
    // From the current head, so that none of the writes below can race the subscriptions.
    const start = (await throughB("{ feedCursor }")).feedCursor as string;
    const lists = Object.entries(DASHBOARD) as [DashboardList, (typeof DASHBOARD)[DashboardList]][];
    const onA = new Map(
      lists.map(([name, [query, variables]]) => [
        name,
        [
          track(wsSubscribe(a.wsUrl, query, { ...variables, after: start })),
          track(sseSubscribe(a.url, query, { ...variables, after: start })),
        ],
      ]),
    );

    const started = performance.now();
    const scenario = await runDashboard(throughB, dashboard);
    const expected = expectedDashboard(scenario);
    for (const [name, list] of onA) {
      for (const s of list) await s.until((r) => r.length >= expected[name].length, 15_000);
    }
    console.info(
      `dashboard changes through B reached A's 10 subscribers in ${Math.round(performance.now() - started)} ms`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const [name, list] of onA) {
      for (const s of list) {
        const { events, cursors } = eventsOf(s.results);
        expect(events, name).toEqual(expected[name]);
        expect(increasing(cursors), name).toBe(true);
      }
    }

    // The same lists, with the same cursors, replayed from B.
    for (const [name, [query, variables]] of lists) {
      const live = onA.get(name)?.[0] as Subscriber;
      const replay = track(wsSubscribe(b.wsUrl, query, { ...variables, after: start }));
      await replay.until((r) => r.length >= live.results.length, 15_000);
      expect(eventsOf(replay.results), name).toEqual(eventsOf(live.results));
    }
  });
});
