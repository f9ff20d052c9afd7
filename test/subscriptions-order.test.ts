// No reader skips an event that commits late. Needs two transactions open at once, so it runs on
// PostgreSQL only (PGlite has one connection and runs transactions one after the other).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/db/client.js";
import { releaseTable } from "../src/db/tables.js";
import { addRelease } from "../src/facts/write.js";
import { appendFeedEvent } from "../src/feed/append.js";
import { encodeCursor } from "../src/feed/cursor.js";
import { feedHead, readFeed } from "../src/feed/read.js";
import { onPostgres } from "./support/database.js";
import { createWorld, type World } from "./support/feed-facts.js";
import { startServer, type TestServer } from "./support/server.js";
import { keyOf, type Subscriber, wsSubscribe } from "./support/subscribers.js";

let server: TestServer;
let world: World;
const open: Subscriber[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  server = await startServer({ seed: false });
  world = await createWorld(server.database.db, 8);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const RELEASES = `subscription ($after: String) { releaseAdded(after: $after) { cursor release { id person { name } } } }`;

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A release written by hand in a transaction that waits for `hold` between its steps. */
function slowRelease(
  db: Db,
  personIndex: number,
  steps: {
    inserted?: () => void;
    appended?: () => void;
    holdBeforeAppend?: Promise<void>;
    holdBeforeCommit?: Promise<void>;
  },
) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(releaseTable)
      .values({ personId: world.persons[personIndex] as number, releasedOn: "2025-07-01", fromCountry: "RU" })
      .returning();
    const id = row?.id as number;
    steps.inserted?.();
    await steps.holdBeforeAppend;
    const position = await appendFeedEvent(tx, "release", id);
    steps.appended?.();
    await steps.holdBeforeCommit;
    return { id, position };
  });
}

async function subscribeAtHead(): Promise<Subscriber> {
  const subscriber = wsSubscribe(server.wsUrl, RELEASES, { after: encodeCursor(await feedHead(server.database.db)) });
  open.push(subscriber);
  return subscriber;
}

const receivedIds = (s: Subscriber) => s.results.map((r) => keyOf(r.data?.releaseAdded.release.id));

describe.skipIf(!onPostgres)("late committers (PostgreSQL)", () => {
  it("a fact that took a lower id but commits later is still delivered, after the one that committed first", async () => {
    const subscriber = await subscribeAtHead();
    const inserted = gate();
    const release = gate();
    // A takes release id n and waits; B takes id n+1, appends and commits first.
    const a = slowRelease(server.database.db, 0, { inserted: inserted.open, holdBeforeAppend: release.opened });
    await inserted.opened;
    const b = await addRelease(
      server.database.db,
      {
        personId: world.persons[1] as number,
        releasedOn: "2025-07-01",
        fromCountry: "BY",
        sourceIds: [world.sourceId],
      },
      "test",
    );
    await subscriber.until((r) => r.length === 1);
    release.open();
    const { id: aId } = await a;
    await subscriber.until((r) => r.length === 2);
    // A reader paging by id (> b.id) would never see A; the feed delivers it.
    expect(aId).toBeLessThan(b.id);
    expect(receivedIds(subscriber)).toEqual([b.id, aId]);
    expect(subscriber.results[1]?.data?.releaseAdded.release.person.name).toMatch(/^Test Person .* 0$/);
  });

  it("a transaction holding a position makes later ones wait, so a reader never sees a gap it would skip", async () => {
    const subscriber = await subscribeAtHead();
    const head = await feedHead(server.database.db);
    const appended = gate();
    const commit = gate();
    const a = slowRelease(server.database.db, 2, { appended: appended.open, holdBeforeCommit: commit.opened });
    await appended.opened;
    let bDone = false;
    const b = addRelease(
      server.database.db,
      {
        personId: world.persons[3] as number,
        releasedOn: "2025-07-01",
        fromCountry: "BY",
        sourceIds: [world.sourceId],
      },
      "test",
    ).then((row) => {
      bDone = true;
      return row;
    });
    await new Promise((r) => setTimeout(r, 700));
    // A holds position head+1 uncommitted: B cannot take head+2, and nothing is visible yet.
    expect(bDone).toBe(false);
    expect((await readFeed(server.database.db, head, 10)).items).toEqual([]);
    expect(subscriber.results).toEqual([]);
    commit.open();
    const [{ id: aId, position: aPosition }, bRow] = await Promise.all([a, b]);
    await subscriber.until((r) => r.length === 2);
    expect(aPosition).toBe(head + 1);
    expect(receivedIds(subscriber)).toEqual([aId, bRow.id]);
    const positions = (await readFeed(server.database.db, head, 10)).items.map((i) => i.position);
    expect(positions).toEqual([head + 1, head + 2]);
  });
});
