// The live half of the page: one graphql-ws socket, two resumable subscriptions whose cursors
// are kept in the page and in localStorage, and the connection's state for the status line.
import { createClient } from "graphql-ws";
import { type CursorStore, resumable } from "../client/resumable.js";
import { LIVE_RELEASES, LIVE_STATEMENTS } from "./operations.js";
import type { LiveReleases, LiveStatements, Release, Statement } from "./types.js";

export type LiveStatus = "connecting" | "live" | "reconnecting";
/** How a fact changed; releaseAdded and statementAdded only ever say ADDED. */
export type Change = "ADDED" | "UPDATED" | "RETRACTED" | "MERGED";

export type LiveHandlers = {
  release(change: Change, release: Release): void;
  statement(change: Change, statement: Statement): void;
  status(status: LiveStatus): void;
  /** The server refused a cursor (it belongs to another database): start again from scratch. */
  cursorRejected(): void;
  failed(message: string): void;
};

/** Store keys: one cursor per subscription. */
export const CURSOR_KEYS = ["LiveReleases", "LiveStatements"] as const;

const MAX_RETRY_WAIT_MS = 5_000;

/**
 * Subscribes to releases and statements after `after` (or after the cursors in `store`, which
 * win); returns a function that closes everything.
 */
export function connectLive(store: CursorStore, after: string, on: LiveHandlers): () => void {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  const socket = createClient({
    url,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // Quick at first, then every few seconds: a restarted server is found soon after it is back.
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** retries))),
  });
  const client = resumable(socket, { store, keyOf: (payload) => payload.operationName ?? "" });
  const off = [
    socket.on("connecting", (retrying) => on.status(retrying ? "reconnecting" : "connecting")),
    socket.on("connected", () => on.status("live")),
    socket.on("closed", () => on.status("reconnecting")),
  ];

  const failed = (error: unknown) => {
    const errors = Array.isArray(error) ? (error as { message: string; extensions?: { code?: string } }[]) : [];
    if (errors.some((e) => e.extensions?.code === "BAD_USER_INPUT" && /"after"/.test(e.message))) on.cursorRejected();
    else on.failed(errors.map((e) => e.message).join(" ") || "The live connection failed.");
  };
  const stops = [
    client.subscribe<LiveReleases>(
      { query: LIVE_RELEASES, operationName: "LiveReleases", variables: { after } },
      {
        next: ({ data }) => data && on.release("ADDED", data.releaseAdded.release),
        error: failed,
        complete: () => {},
      },
    ),
    client.subscribe<LiveStatements>(
      { query: LIVE_STATEMENTS, operationName: "LiveStatements", variables: { after } },
      {
        next: ({ data }) => data && on.statement("ADDED", data.statementAdded.statement),
        error: failed,
        complete: () => {},
      },
    ),
  ];
  return () => {
    for (const stop of [...stops, ...off]) stop();
    void socket.dispose();
  };
}
