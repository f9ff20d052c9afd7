// The live half of the page: one graphql-ws socket, three resumable subscriptions to every change
// (additions, corrections, retractions) whose cursors are kept in the page and in localStorage,
// and the connection's state for the status line.
import { createClient } from "graphql-ws";
import { type CursorStore, resumable } from "../client/resumable.js";
import type { FactChange } from "./generated/graphql.js";
import { LIVE_FACTS, LIVE_RELEASES, LIVE_STATEMENTS } from "./operations.js";
import type { LiveFacts, LiveReleases, LiveStatements, OtherFact, Release, Statement } from "./types.js";

export type LiveStatus = "connecting" | "live" | "reconnecting";
export type Change = FactChange;

export type LiveHandlers = {
  /** `formerPersons`: for a correction, the persons it named before (their views change too). */
  release(change: Change, release: Release, formerPersons: string[]): void;
  statement(change: Change, statement: Statement, formerPersons: string[]): void;
  /** A person, exchange, sentence or source added, corrected, retracted or merged. */
  fact(change: Change, fact: OtherFact): void;
  status(status: LiveStatus): void;
  /** The server refused a cursor (it belongs to another database): start again from scratch. */
  cursorRejected(): void;
  failed(message: string): void;
};

/** Store keys: one cursor per subscription. */
export const CURSOR_KEYS = ["LiveReleases", "LiveStatements", "LiveFacts"] as const;

const MAX_RETRY_WAIT_MS = 5_000;

/** The person ids in an UPDATED event's `previous` (personId, speakerId, subjectIds as global ids). */
function personsIn(previous: unknown): string[] {
  if (!previous || typeof previous !== "object") return [];
  const { personId, speakerId, subjectIds } = previous as Record<string, unknown>;
  return [personId, speakerId, ...(Array.isArray(subjectIds) ? subjectIds : [])].filter(
    (id): id is string => typeof id === "string",
  );
}

/**
 * Subscribes to the changes of releases, statements and the facts they show after `after` (or
 * after the cursors in `store`, which win: any cursor of the feed resumes any of them); returns a
 * function that closes everything.
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
        next: ({ data }) => {
          if (!data) return;
          const { change, release, previous } = data.releaseChanged;
          on.release(change, release, personsIn(previous));
        },
        error: failed,
        complete: () => {},
      },
    ),
    client.subscribe<LiveStatements>(
      { query: LIVE_STATEMENTS, operationName: "LiveStatements", variables: { after } },
      {
        next: ({ data }) => {
          if (!data) return;
          const { change, statement, previous } = data.statementChanged;
          on.statement(change, statement, personsIn(previous));
        },
        error: failed,
        complete: () => {},
      },
    ),
    client.subscribe<LiveFacts>(
      { query: LIVE_FACTS, operationName: "LiveFacts", variables: { after } },
      {
        next: ({ data }) => data && on.fact(data.factChanged.change, data.factChanged.node),
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
