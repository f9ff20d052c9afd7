// Whether the database answers. While it does not, operations fail at once with
// DATABASE_UNAVAILABLE instead of each waiting out a connect timeout, and a probe watches for
// its return, so the service recovers by itself.

import { GraphQLError } from "graphql";
import { findInChain } from "../error-chain.js";
import type { Database } from "./client.js";

/** Errors that mean "no connection", not "bad query": node socket errors, postgres.js
 * connection errors, and the SQLSTATEs of a lost connection or a server shutting down (not all
 * of class 08: 08P01, a protocol violation, comes from an oversized query, for one). */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "DATABASE_UNAVAILABLE",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "57P01",
  "57P02",
  "57P03",
]);

/** True when the error, or any error in its `cause` chain, is a lost or refused connection. */
export function isConnectionError(error: unknown): boolean {
  return (
    findInChain(error, (link) => {
      const { code, errno } = link as { code?: unknown; errno?: unknown };
      const connection =
        (typeof code === "string" && CONNECTION_CODES.has(code)) ||
        (typeof errno === "string" && CONNECTION_CODES.has(errno));
      return connection || undefined;
    }) ?? false
  );
}

export function databaseUnavailableError(): GraphQLError {
  return new GraphQLError("The database is unavailable; try again shortly.", {
    extensions: { code: "DATABASE_UNAVAILABLE", http: { status: 503 } },
  });
}

export type Availability = {
  /** False from a failed probe or a connection error until a probe succeeds again. */
  readonly available: boolean;
  /** Probes now (bounded by the probe timeout); the result also updates `available`. */
  check(): Promise<boolean>;
  /** Reports a connection error seen elsewhere: probes at once, and on failure marks the
   * database unavailable (one odd error does not take the service down). */
  lost(): void;
  stop(): void;
};

export function watchAvailability(
  database: Pick<Database, "ping">,
  options: { probeMs?: number; timeoutMs?: number; onChange?: (available: boolean) => void } = {},
): Availability {
  const probeMs = options.probeMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  let available = true;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const set = (value: boolean) => {
    if (value === available) return;
    available = value;
    options.onChange?.(value);
    if (!value) schedule();
  };
  const schedule = () => {
    if (timer || stopped) return;
    timer = setTimeout(async () => {
      timer = undefined;
      if (!(await check())) schedule();
    }, probeMs);
    timer.unref();
  };
  let probing: Promise<boolean> | undefined;
  // Concurrent callers (/ready, lost(), the timer) share one probe.
  const check = () => {
    probing ??= probe().finally(() => {
      probing = undefined;
    });
    return probing;
  };
  const probe = async () => {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        database.ping(),
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new Error("ping timed out")), timeoutMs);
        }),
      ]);
      set(true);
    } catch {
      set(false);
    } finally {
      clearTimeout(timeout);
    }
    return available;
  };
  return {
    get available() {
      return available;
    },
    check,
    lost: () => void check(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
