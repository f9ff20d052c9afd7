// Idle subscriptions are kept alive on both transports: SSE comment lines from Yoga (every 12 s,
// every 300 ms under NODE_ENV=test) and WebSocket pings from graphql-ws (every 12 s).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false });
});
afterAll(async () => {
  await server?.close();
});

const QUERY = "subscription { releaseAdded { cursor } }";

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

  it("graphql-ws: the server pings an idle socket", { timeout: 20_000 }, async () => {
    const socket = new WebSocket(server.wsUrl, "graphql-transport-ws");
    await new Promise((resolve) => socket.once("open", resolve));
    let closed: number | undefined;
    socket.once("close", (code) => {
      closed = code;
    });
    socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    await new Promise((resolve) => socket.once("message", resolve)); // connection_ack
    socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: QUERY } }));
    const started = Date.now();
    const pinged = await Promise.race([
      new Promise((resolve) => socket.once("ping", () => resolve(true))),
      new Promise((resolve) => setTimeout(() => resolve(false), 13_000)),
    ]);
    const waited = Date.now() - started;
    expect(closed).toBeUndefined();
    socket.close();
    expect(pinged).toBe(true);
    expect(waited).toBeLessThan(13_000);
  });
});
