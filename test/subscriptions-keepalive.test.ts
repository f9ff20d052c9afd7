// Idle subscriptions are kept alive on both transports: SSE comment lines from Yoga (every 12 s,
// every 300 ms under NODE_ENV=test) and WebSocket pings (WS_KEEPALIVE_MS, 300 ms here), and a
// socket that stops answering pings is dropped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startServer, type TestServer } from "./support/server.js";
import { until } from "./support/until.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false, env: { WS_KEEPALIVE_MS: String(KEEPALIVE_MS) } });
});
afterAll(async () => {
  await server?.close();
});

const QUERY = "subscription { releaseAdded { cursor } }";
const KEEPALIVE_MS = 300;

/** A graphql-ws client socket with one live subscription; `autoPong: false` never answers pings. */
async function subscribed(autoPong = true): Promise<{ socket: WebSocket; closed: () => number | undefined }> {
  const socket = new WebSocket(server.wsUrl, "graphql-transport-ws", { autoPong });
  await new Promise((resolve) => socket.once("open", resolve));
  let closed: number | undefined;
  socket.once("close", (code) => {
    closed = code;
  });
  socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
  await new Promise((resolve) => socket.once("message", resolve)); // connection_ack
  socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: QUERY } }));
  return { socket, closed: () => closed };
}

describe("keepalive on an idle subscription", () => {
  it("SSE: comment lines keep arriving while no event does", async () => {
    const abort = new AbortController();
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: QUERY }),
      signal: abort.signal,
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    let text = "";
    const started = Date.now();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (Date.now() - started < 1500) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    expect(text.match(/^:\n\n/gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(text).not.toMatch(/event: next/);
  });

  it("graphql-ws: the server pings an idle socket, and keeps it while it answers", async () => {
    const { socket, closed } = await subscribed();
    let pings = 0;
    socket.on("ping", () => pings++);
    await new Promise((resolve) => setTimeout(resolve, KEEPALIVE_MS * 5));
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(closed()).toBeUndefined();
    socket.close();
  });

  it("graphql-ws: a socket that stops answering pings is dropped, its subscription ended", async () => {
    // The earlier tests' subscriptions end as their sockets close.
    await until(() => server.app.feed.subscriberCount === 0, 10_000);
    const before = server.app.feed.subscriberCount;
    const { socket, closed } = await subscribed(false);
    await until(() => server.app.feed.subscriberCount === before + 1, 10_000);
    const took = await until(() => closed() !== undefined, KEEPALIVE_MS * 10);
    // Terminated, not closed with a handshake: 1006 at the client.
    expect(closed()).toBe(1006);
    expect(took).toBeLessThan(KEEPALIVE_MS * 4);
    await until(() => server.app.feed.subscriberCount === before, 10_000);
    socket.terminate();
  });
});
