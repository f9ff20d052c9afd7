// A client that stops reading costs the others nothing and the server a bounded queue: it is cut
// off with SUBSCRIPTION_OVERFLOW, and resubscribing with after: its last cursor loses nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { addStatement } from "../src/facts/write.js";
import { encodeCursor } from "../src/feed/cursor.js";
import { feedHead } from "../src/feed/read.js";
import { createWorld, type World } from "./support/feed-facts.js";
import { startServer, type TestServer } from "./support/server.js";
import { keyOf, type Result, type Subscriber, wsSubscribe } from "./support/subscribers.js";
import { until } from "./support/until.js";

const QUEUE_LIMIT = 50;
let server: TestServer;
let world: World;
const open: Subscriber[] = [];

beforeAll(async () => {
  server = await startServer({ seed: false, env: { SUBSCRIPTION_QUEUE_LIMIT: String(QUEUE_LIMIT) } });
  world = await createWorld(server.database.db, 4);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.close();
});

const QUERY = `subscription ($after: String) { statementAdded(after: $after) { cursor statement { id text } } }`;

/** A graphql-transport-ws client on a bare socket, so that the test can stop reading. */
async function rawSubscriber(variables: Record<string, unknown>) {
  const socket = new WebSocket(server.wsUrl, "graphql-transport-ws");
  const messages: { type: string; payload?: Result }[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve) => socket.once("open", resolve));
  socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
  await until(() => messages.some((m) => m.type === "connection_ack"));
  socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: QUERY, variables } }));
  return { socket, messages };
}

describe("a subscriber that stops reading", () => {
  it("is cut off with SUBSCRIPTION_OVERFLOW while the others get everything; after: its last cursor loses nothing", async () => {
    const after = encodeCursor(await feedHead(server.database.db));
    const fast = wsSubscribe(
      server.wsUrl,
      `subscription ($after: String) { statementAdded(after: $after) { cursor statement { id } } }`,
      { after },
    );
    open.push(fast);
    const slow = await rawSubscriber({ after });
    await until(() => server.app.feed.subscriberCount === 2);
    slow.socket.pause();

    // 100 KB statements fill the socket buffers quickly; stop once the slow one has been cut off.
    const written: number[] = [];
    const big = "x".repeat(99_000);
    const started = performance.now();
    while (server.app.feed.subscriberCount === 2 && written.length < 400) {
      const row = await addStatement(
        server.database.db,
        {
          speakerId: world.persons[0] as number,
          text: `${written.length} ${big}`,
          saidOn: "2025-08-01",
          sourceIds: [world.sourceId],
        },
        "test",
      );
      written.push(row.id);
      // PGlite answers in microtasks: let socket I/O run between writes, as it would between requests.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const cutAfter = written.length;
    expect(
      server.app.feed.subscriberCount,
      `after ${cutAfter} writes the fast subscriber has ${fast.results.length}, last: ${JSON.stringify(fast.results.at(-1))}`,
    ).toBe(1);
    for (let i = 0; i < 5; i++) {
      const row = await addStatement(
        server.database.db,
        {
          speakerId: world.persons[1] as number,
          text: `after the cut ${i}`,
          saidOn: "2025-08-01",
          sourceIds: [world.sourceId],
        },
        "test",
      );
      written.push(row.id);
    }
    await fast.until((r) => r.length === written.length);
    console.info(
      `slow subscriber cut off after ${cutAfter} statements of 100 KB (${Math.round(performance.now() - started)} ms); the fast one got all ${written.length}`,
    );
    expect(fast.results.map((r) => keyOf(r.data?.statementAdded.statement.id))).toEqual(written);

    slow.socket.resume();
    await until(() => slow.messages.some((m) => m.type === "complete"));
    const nexts = slow.messages.filter((m) => m.type === "next").map((m) => m.payload as Result);
    const overflow = nexts.at(-1)?.errors?.[0];
    expect(overflow?.extensions?.code).toBe("SUBSCRIPTION_OVERFLOW");
    expect(overflow?.message).toMatch(/Subscribe again with `after:` set to the last cursor you received/);
    const got = nexts.slice(0, -1).map((r) => r.data?.statementAdded);
    expect(got.length).toBeLessThan(written.length);
    expect(got.map((e) => keyOf(e.statement.id))).toEqual(written.slice(0, got.length));
    slow.socket.close();

    const resumed = wsSubscribe(server.wsUrl, QUERY, { after: got.at(-1)?.cursor ?? after });
    open.push(resumed);
    await resumed.until((r) => r.length === written.length - got.length);
    const rest = resumed.results.map((r) => keyOf(r.data?.statementAdded.statement.id));
    expect([...got.map((e) => keyOf(e.statement.id)), ...rest]).toEqual(written);
  });
});
