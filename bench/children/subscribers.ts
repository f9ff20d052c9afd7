// N WebSocket clients in one process: graphql-ws subscribers of our server, or raw `ws`
// sockets of the floor. Each records when its next message arrives (wall clock, so the parent
// can subtract the moment it published).
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { serveCommands } from "../ipc.js";

type Connect = { url: string; n: number; mode: "graphql-ws" | "protocol" | "raw"; query?: string };

const now = () => performance.timeOrigin + performance.now();

let arrivals = new Float64Array(0);
let received = 0;
let sample: string | undefined;
const errors: string[] = [];
let connected = 0;
const clients: Client[] = [];
const sockets: WebSocket[] = [];

function arrive(index: number, payload: () => string) {
  if (arrivals[index] !== 0) return;
  arrivals[index] = now();
  received++;
  if (sample === undefined) sample = payload();
}

function openGraphqlWs(url: string, query: string, index: number): Promise<void> {
  return new Promise((resolve) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      on: {
        connected: () => {
          connected++;
          resolve();
        },
        closed: () => resolve(),
        error: (error) => {
          if (errors.length < 5) errors.push(String((error as Error)?.message ?? error));
          resolve();
        },
      },
    });
    clients.push(client);
    client.subscribe(
      { query },
      {
        next: (result) => arrive(index, () => JSON.stringify({ id: "1", type: "next", payload: result })),
        error: (error) => {
          if (errors.length < 5) errors.push(JSON.stringify(error).slice(0, 300));
        },
        complete: () => {},
      },
    );
  });
}

function openRaw(url: string, index: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    socket.on("open", () => resolve());
    socket.on("error", (error) => {
      if (errors.length < 5) errors.push(error.message);
      resolve();
    });
    socket.on("message", (data) => {
      const text = data.toString();
      JSON.parse(text);
      arrive(index, () => text);
    });
  });
}

/**
 * A graphql-ws subscriber that speaks the protocol itself (connection_init, subscribe, pong) and
 * does per message what a raw client does (JSON.parse), so that the client library's own cost
 * does not weigh on our side of the comparison.
 */
function openProtocol(url: string, query: string, index: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    sockets.push(socket);
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: {} })));
    socket.on("error", (error) => {
      if (errors.length < 5) errors.push(error.message);
      resolve();
    });
    socket.on("close", () => resolve());
    socket.on("message", (data) => {
      const text = data.toString();
      const message = JSON.parse(text) as { type: string; payload?: unknown };
      if (message.type === "next") {
        // Only a result counts as a delivery, not an error.
        const payload = message.payload as { data?: unknown } | undefined;
        if (payload?.data) arrive(index, () => text);
        else if (errors.length < 5) errors.push(`not a result: ${text.slice(0, 300)}`);
      } else if (message.type === "ping") socket.send('{"type":"pong"}');
      else if (message.type === "connection_ack") {
        connected++;
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query } }));
        resolve();
      } else if (message.type === "error" && errors.length < 5) errors.push(text.slice(0, 300));
    });
  });
}

serveCommands(
  {},
  {
    connect: async (args: Connect) => {
      const started = performance.now();
      arrivals = new Float64Array(args.n);
      const inFlight = 100;
      for (let i = 0; i < args.n; i += inFlight) {
        const batch = [];
        for (let j = i; j < Math.min(args.n, i + inFlight); j++) {
          batch.push(
            args.mode === "raw"
              ? openRaw(args.url, j)
              : args.mode === "protocol"
                ? openProtocol(args.url, args.query ?? "", j)
                : openGraphqlWs(args.url, args.query ?? "", j),
          );
        }
        await Promise.all(batch);
      }
      const open = args.mode === "raw" ? sockets.filter((s) => s.readyState === WebSocket.OPEN).length : connected;
      return { open, ms: performance.now() - started, errors };
    },
    arm: () => {
      arrivals.fill(0);
      received = 0;
      sample = undefined;
      return null;
    },
    /** Waits until every client has a message since `arm`, or the timeout. */
    collect: async (args: { expect: number; timeoutMs: number }) => {
      const end = performance.now() + args.timeoutMs;
      while (received < args.expect && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
      return { received, times: Array.from(arrivals.filter((t) => t > 0)), sample, errors };
    },
  },
  async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    for (const s of sockets) s.terminate();
  },
);
