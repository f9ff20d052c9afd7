// Command-line flags of `npm run bench -- …`.
import { parseArgs } from "node:util";

export const SCENARIOS = [
  "read",
  "cached",
  "list",
  "transport",
  "startup",
  "writes",
  "fanout",
  "fanout-changed",
  "search",
  "corrections",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type Options = {
  quick: boolean;
  /** Seconds of measured load per side of a throughput scenario, split over the rounds. */
  duration: number;
  /** Seconds of load before each side's measured round (its server is new every round)… */
  warmup: number;
  /** …and at least this many requests: a JIT-compiled server warms up by requests, not by time
   * (ours in process: 4.1 CPU ms per nested read over its first 500 requests, 2.0 from 3,000 on). */
  warmupRequests: number;
  /** Rounds the two sides of a throughput comparison alternate in. */
  rounds: number;
  connections: number;
  subscribers: number;
  /** Events published per side of the fan-out (after one warm-up event). */
  events: number;
  /**
   * Our fan-out clients: "protocol" (the default) speaks graphql-ws itself and does per message
   * what the floor's clients do (decode, JSON.parse), so both sides' 10,000 clients, on the same
   * two cores as the servers, cost the same; "library" runs the graphql-ws client library, whose
   * own work per message then counts against our latency (at 10,000 subscribers on PostgreSQL
   * here: p99 2.48x the raw broadcast with it, 1.76x without).
   */
  client: "protocol" | "library";
  scale: number;
  /** PostGraphile's pool: pg's default of 10 unless given; ours is DB_POOL_MAX's default. */
  peerPool: number;
  only: Scenario[];
  /** Write CPU profiles of the server children into this folder. */
  profile: string | undefined;
  keep: boolean;
  out: string;
};

const USAGE = `npm run bench -- [--quick] [--subscribers=N] [--duration=S] [--rounds=N] [--warmup=S] [--warmup-requests=N] [--connections=N]
  [--events=N] [--client=protocol|library] [--scale=X] [--peer-pool=N] [--only=read,cached,list,transport,startup,writes,fanout,fanout-changed,search,corrections] [--profile] [--profile-dir=DIR] [--keep] [--out=FILE]`;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      duration: { type: "string" },
      warmup: { type: "string" },
      "warmup-requests": { type: "string" },
      rounds: { type: "string" },
      connections: { type: "string" },
      subscribers: { type: "string" },
      events: { type: "string" },
      client: { type: "string" },
      scale: { type: "string" },
      "peer-pool": { type: "string" },
      only: { type: "string" },
      profile: { type: "boolean", default: false },
      "profile-dir": { type: "string" },
      keep: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (value: string | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
    return n;
  };
  const quick = values.quick ?? false;
  const only = (values.only?.split(",") ?? [...SCENARIOS]) as Scenario[];
  for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}\n${USAGE}`);
  const client = values.client ?? "protocol";
  if (client !== "protocol" && client !== "library") throw new Error(`unknown client ${client}\n${USAGE}`);
  return {
    quick,
    duration: num(values.duration, quick ? 6 : 30, "duration"),
    warmup: num(values.warmup, quick ? 1 : 3, "warmup"),
    warmupRequests: Math.round(num(values["warmup-requests"], quick ? 500 : 3000, "warmup-requests")),
    rounds: Math.round(num(values.rounds, quick ? 2 : 3, "rounds")),
    connections: Math.round(num(values.connections, 10, "connections")),
    subscribers: Math.round(num(values.subscribers, 1000, "subscribers")),
    events: Math.round(num(values.events, quick ? 3 : 10, "events")),
    client,
    scale: num(values.scale, 1, "scale"),
    peerPool: Math.round(num(values["peer-pool"], 10, "peer-pool")),
    only,
    profile: values.profile || values["profile-dir"] ? (values["profile-dir"] ?? "bench/profiles") : undefined,
    keep: values.keep ?? false,
    out: values.out ?? "bench/results.json",
  };
}
