// HTTP load with autocannon, from the bench's own process (the servers are children).
import autocannon from "autocannon";
import type { Child } from "./ipc.js";

export type Load = {
  url: string;
  connections: number;
  seconds: number;
  /** Stop after this many requests, if `seconds` have not passed first. */
  amount?: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** A body (or path, for GET) per request: `n` counts requests from 0. */
  body?: (n: number) => string;
  path?: (n: number) => string;
};

export type Throughput = {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  /** CPU time the server process spent per request (user + system), when known. */
  cpuMs?: number;
  /** CPU time PostgreSQL's backends of the bench database spent per request, when known. */
  dbCpuMs?: number;
  /** Requests the server answered before the measured round. */
  warmupRequests?: number;
};

export async function runLoad(load: Load): Promise<Throughput> {
  let n = 0;
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    // Stops at `amount` requests or after `seconds`, whichever comes first (autocannon's own
    // `amount` has no time limit, and refuses fewer requests than connections).
    ...(load.amount ? { maxOverallRequests: Math.max(load.amount, load.connections) } : {}),
    method: load.method ?? "POST",
    headers: { "content-type": "application/json", ...load.headers },
    requests: [
      {
        setupRequest: (request) => {
          const i = n++;
          const next = { ...request };
          if (load.body) next.body = load.body(i);
          if (load.path) next.path = load.path(i);
          return next;
        },
      },
    ],
  });
  const seconds = result.duration || load.seconds;
  return {
    requests: result.requests.total,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Percentile of an unsorted sample (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The longest a warm-up's top-up to its request count may take. */
const WARMUP_LIMIT_S = 120;

/** One side of a comparison: brings its server up for one round and gives the load to run. */
export type Side = {
  label: string;
  open(round: (load: Omit<Load, "seconds">, server: Child) => Promise<Throughput>): Promise<Throughput>;
};

/**
 * Alternates the sides for `rounds` rounds of `seconds / rounds` each (with a warm-up after every
 * start), so that a burst of load from elsewhere on the machine hits both rather than one. Each
 * round starts with the next side (ours first in round 1, the other first in round 2…): the first
 * side of a scenario also runs first after the previous scenario or the data load, while
 * PostgreSQL and the page cache are still settling, and that should not always be the same side.
 * Requests/s come from the totals; p50 and p99 are the medians of the rounds'.
 */
export async function compare(
  sides: Side[],
  opts: {
    rounds: number;
    seconds: number;
    warmup: number;
    warmupRequests: number;
    log: (m: string) => void;
    /** The database's CPU clock in ms (database-cpu.ts), where it can be read. */
    databaseCpu?: (() => number) | undefined;
  },
): Promise<Throughput[]> {
  const results: Throughput[][] = sides.map(() => []);
  const seconds = Math.max(1, Math.round(opts.seconds / opts.rounds));
  for (let r = 0; r < opts.rounds; r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      const side = sides[i] as Side;
      const result = await side.open(async (load, server) => {
        // At least `warmup` seconds and at least `warmupRequests` requests (within a time limit),
        // the same for every side. A side that fails while warming up shows it in the round.
        const warm = await runLoad({ ...load, seconds: opts.warmup });
        const more = opts.warmupRequests - warm.requests;
        const topUp = more > 0 ? await runLoad({ ...load, seconds: WARMUP_LIMIT_S, amount: more }) : undefined;
        const warmupRequests = warm.requests + (topUp?.requests ?? 0);
        const warmupFailures = warm.errors + warm.non2xx + (topUp ? topUp.errors + topUp.non2xx : 0);
        const before = await server.call<NodeJS.CpuUsage>("cpu");
        const dbBefore = opts.databaseCpu?.();
        const measured = await runLoad({ ...load, seconds });
        const dbAfter = opts.databaseCpu?.();
        const after = await server.call<NodeJS.CpuUsage>("cpu");
        const cpu = after.user + after.system - before.user - before.system;
        const requests = Math.max(1, measured.requests);
        // No time at all: the backends were not visible, not free.
        const dbCpu =
          dbBefore !== undefined && dbAfter !== undefined && dbAfter > dbBefore ? dbAfter - dbBefore : undefined;
        return {
          ...measured,
          errors: measured.errors + warmupFailures,
          cpuMs: cpu / 1000 / requests,
          ...(dbCpu === undefined ? {} : { dbCpuMs: dbCpu / requests }),
          warmupRequests,
        };
      });
      opts.log(
        `${side.label} · round ${r + 1}/${opts.rounds}: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms` +
          `, ${result.cpuMs?.toFixed(2)} CPU ms/req` +
          (result.dbCpuMs === undefined ? "" : `, PostgreSQL ${result.dbCpuMs.toFixed(2)} CPU ms/req`) +
          ` (after ${result.warmupRequests} warm-up requests)` +
          (result.errors + result.non2xx > 0 ? `, ${result.errors} errors, ${result.non2xx} non-2xx` : ""),
      );
      results[i]?.push(result);
    }
  }
  const median = (values: number[]) => percentile(values, 50);
  return results.map((rounds) => {
    const requests = rounds.reduce((sum, t) => sum + t.requests, 0);
    return {
      requests,
      rps: requests / (seconds * rounds.length),
      p50: median(rounds.map((t) => t.p50)),
      p99: median(rounds.map((t) => t.p99)),
      max: Math.max(...rounds.map((t) => t.max)),
      errors: rounds.reduce((sum, t) => sum + t.errors, 0),
      non2xx: rounds.reduce((sum, t) => sum + t.non2xx, 0),
      cpuMs: median(rounds.map((t) => t.cpuMs ?? Number.NaN)),
      ...(rounds.every((t) => t.dbCpuMs !== undefined)
        ? { dbCpuMs: median(rounds.map((t) => t.dbCpuMs as number)) }
        : {}),
    };
  });
}
