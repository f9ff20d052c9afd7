// HTTP load with autocannon, from the bench's own process (the servers are children).
import autocannon from "autocannon";

export type Load = {
  url: string;
  connections: number;
  seconds: number;
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
};

export async function runLoad(load: Load): Promise<Throughput> {
  let n = 0;
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
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
