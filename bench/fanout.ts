// N graphql-ws subscribers of releaseAdded, then releases are added (or of releaseChanged, then a
// release is corrected): publish-to-receive latency at the clients, memory per idle subscriber
// and SQL per event, against a raw `ws` broadcast of the same payload to N sockets.
import { type AppChild, addReleaseBody, type Bench, type Scenario } from "./context.js";
import type { Child, Memory } from "./ipc.js";
import { percentile } from "./load.js";
import { type ResultRow, row, skipped } from "./report.js";

/** What the subscribers listen to, and the write that makes each event. */
type Variant = {
  field: "releaseAdded" | "releaseChanged";
  subscription: string;
  publish(bench: Bench, app: AppChild, n: number): Promise<void>;
};

const ADDED: Variant = {
  field: "releaseAdded",
  subscription: `subscription {
  releaseAdded { cursor release { id releasedOn fromCountry person { name } } }
}`,
  async publish(bench, app, n) {
    const body = JSON.parse(addReleaseBody(bench, n, 1991));
    const result = await app.gql(body.query, body.variables, true);
    if (result.data?.addRelease?.__typename !== "Release")
      throw new Error(`addRelease failed: ${JSON.stringify(result)}`);
  },
};

/** Each event corrects the note of one release the first publish added: one UPDATED change. */
function changed(): Variant {
  let release: string | undefined;
  return {
    field: "releaseChanged",
    subscription: `subscription {
  releaseChanged { cursor change changedFields release { id releasedOn fromCountry person { name } } }
}`,
    async publish(bench, app, n) {
      if (!release) {
        const body = JSON.parse(addReleaseBody(bench, 900_000 + n, 1992));
        const added = await app.gql(body.query, body.variables, true);
        release = added.data?.addRelease?.id;
        if (!release) throw new Error(`addRelease failed: ${JSON.stringify(added)}`);
        return;
      }
      const result = await app.gql(
        `mutation ($id: ID!, $note: String!) {
          updateRelease(id: $id, input: { note: $note }, reason: "bench: fan-out") { __typename ... on Error { message } }
        }`,
        { id: release, note: `fan-out event ${n}` },
        true,
      );
      if (result.data?.updateRelease?.__typename !== "Release")
        throw new Error(`updateRelease failed: ${JSON.stringify(result)}`);
    },
  };
}

type Collected = { received: number; times: number[]; sample?: string; errors: string[] };
type Side = {
  latencies: number[];
  /** CPU time (user + system) of the server process per event, publishing included. */
  cpuMs: number[];
  /** Resident memory each idle subscriber adds, young generation aside (see growth()). */
  memoryPerClient: number;
  /** Resident memory each idle subscriber adds, all of it. */
  rssPerClient: number;
  /** The part on the JavaScript heap (heapUsed after a full collection). */
  heapPerClient: number;
  incomplete: number;
  sample?: string | undefined;
  feedReads?: number;
  /** Safety-poll reads expected per event window, taken off feedReads. */
  polls?: number;
  statements?: number;
};

const wallClock = () => performance.timeOrigin + performance.now();
const COLLECT_MS = 120_000;
const TARGET_SUBSCRIBERS = 10_000;
/**
 * The hub also reads the feed on a safety poll while anyone is subscribed. The bench sets it to
 * its longest, and takes the polls expected in the measured windows off the reads counted.
 */
const POLL_MS = 60_000;

type Cpu = { user: number; system: number };

/**
 * Arms the clients, publishes, and returns each client's publish-to-receive latency and the
 * server's CPU time over the event: it moves much less than latency when other work shares
 * the cores.
 */
async function event(
  subs: Child,
  server: Child,
  n: number,
  publish: () => Promise<void>,
): Promise<Collected & { latencies: number[]; cpuMs: number }> {
  await subs.call("arm");
  const before = await server.call<Cpu>("cpu");
  const t0 = wallClock();
  await publish();
  const got = await subs.call<Collected>("collect", { expect: n, timeoutMs: COLLECT_MS }, COLLECT_MS + 10_000);
  const after = await server.call<Cpu>("cpu");
  const cpuMs = (after.user - before.user + after.system - before.system) / 1000;
  return { ...got, latencies: got.times.map((t) => t - t0), cpuMs };
}

async function ours(bench: Bench, app: AppChild, n: number, variant: Variant): Promise<Side> {
  let written = 0;
  const publish = () => variant.publish(bench, app, written++);
  // The server's first writes grow its memory once (PGlite's buffers, compiled code: ~25 MiB
  // on PGlite), whoever is subscribed; made before the baseline, they are not counted as the
  // subscribers' memory.
  for (let i = 0; i < 3; i++) await publish();
  return primed(bench, app, variant.subscription, publish, async (before) => {
    return bench.withChild("subscribers", [], async (subs) => {
      bench.log(`fan-out · ours: connecting ${n} graphql-ws subscribers`);
      const opened = await subs.call<{ open: number; ms: number; errors: string[] }>("connect", {
        url: app.wsUrl,
        n,
        mode: bench.options.client === "library" ? "graphql-ws" : "protocol",
        query: variant.subscription,
      });
      bench.log(`fan-out · ours: ${opened.open} connected in ${Math.round(opened.ms)} ms; warm-up event`);
      const warm = await event(subs, app, n, publish);
      if (warm.received === 0) throw new Error(`no subscriber received the warm-up event: ${warm.errors.join("; ")}`);
      const idle = await app.stats();
      // stats() forces full collections, which also shrink the young generation: the next event
      // would pay for growing it back, a cost of the measurement, not of serving. The floor's
      // memory is measured before its warm-up event, so it has none of this.
      await event(subs, app, n, publish);
      const side: Side = {
        latencies: [],
        cpuMs: [],
        ...growth(before, idle, n),
        incomplete: n - warm.received,
        sample: warm.sample,
        feedReads: 0,
        statements: 0,
      };
      let reads = 0;
      let windowMs = 0;
      for (let e = 0; e < bench.options.events; e++) {
        await app.call("reset");
        const opened = performance.now();
        const got = await event(subs, app, n, publish);
        const stats = await app.call<{ statements: number; feedReads: number }>("counts");
        windowMs += performance.now() - opened;
        reads += stats.feedReads;
        side.latencies.push(...got.latencies);
        side.cpuMs.push(got.cpuMs);
        side.incomplete += n - got.received;
        side.statements = (side.statements ?? 0) + stats.statements / bench.options.events;
        bench.log(
          `fan-out · ours: event ${e + 1}/${bench.options.events}: ${got.received}/${n} received, ` +
            `p99 ${percentile(got.latencies, 99).toFixed(1)} ms, ${got.cpuMs.toFixed(0)} CPU ms, ${stats.statements} SQL, ` +
            `${stats.feedReads} feed reads`,
        );
      }
      side.polls = windowMs / POLL_MS / bench.options.events;
      side.feedReads = Math.max(0, reads / bench.options.events - side.polls);
      return side;
    });
  });
}

/** Subscribers connected and served before the baseline, on both sides. */
const PRIMERS = 100;

/**
 * Connects PRIMERS subscribers and serves them one event before taking the memory baseline, so
 * that what the first subscriber costs once (code compiled on first use, buffers and pools
 * grown) is not divided among the N measured ones: the figure is the memory each further
 * subscriber adds. They stay connected through the measurement.
 */
async function primed<T>(
  bench: Bench,
  server: Child,
  query: string | undefined,
  publish: () => Promise<void>,
  measure: (before: Memory) => Promise<T>,
): Promise<T> {
  return bench.withChild("subscribers", [], async (primers) => {
    const url = query ? (server as AppChild).wsUrl : `ws://127.0.0.1:${server.ready.port}/graphql`;
    await primers.call("connect", { url, n: PRIMERS, mode: query ? "protocol" : "raw", query });
    const warm = await event(primers, server, PRIMERS, publish);
    if (warm.received !== PRIMERS)
      throw new Error(`primers: ${warm.received}/${PRIMERS} received: ${warm.errors.join("; ")}`);
    return measure(await server.call<Memory>("stats"));
  });
}

/**
 * Memory per subscriber between two settled readings. The young generation is left out of the
 * headline figure: after a full collection it is empty, and V8 keeps its pages resident at the
 * size the last burst of allocation grew it to (an event to 10,000 subscribers grows ours to
 * about 100 MB, the floor's one-string broadcast to about 26), and gives them back only when
 * the process goes quiet for long. That reserve does not grow with the number of subscribers
 * held; the whole RSS growth is reported beside it.
 */
function growth(before: Memory, after: Memory, n: number) {
  return {
    memoryPerClient: (after.rss - after.young - (before.rss - before.young)) / n,
    rssPerClient: (after.rss - before.rss) / n,
    heapPerClient: (after.heapUsed - before.heapUsed) / n,
  };
}

async function floor(bench: Bench, n: number, payload: string): Promise<Side> {
  return bench.withChild("raw-ws", [], async (raw) => {
    const broadcast = async () => {
      await raw.call("broadcast", { payload });
    };
    return primed(bench, raw, undefined, broadcast, (before) =>
      bench.withChild("subscribers", [], async (subs) => {
        bench.log(`fan-out · raw ws: connecting ${n} sockets`);
        await subs.call("connect", { url: `ws://127.0.0.1:${raw.ready.port}/graphql`, n, mode: "raw" });
        const idle = await raw.call<Memory>("stats");
        await event(subs, raw, n, broadcast);
        const side: Side = {
          latencies: [],
          cpuMs: [],
          ...growth(before, idle, n),
          incomplete: 0,
        };
        for (let e = 0; e < bench.options.events; e++) {
          const got = await event(subs, raw, n, broadcast);
          side.latencies.push(...got.latencies);
          side.cpuMs.push(got.cpuMs);
          side.incomplete += n - got.received;
        }
        bench.log(
          `fan-out · raw ws: p99 ${percentile(side.latencies, 99).toFixed(1)} ms, ` +
            `${percentile(side.cpuMs, 50).toFixed(0)} CPU ms / event`,
        );
        return side;
      }),
    );
  });
}

export const fanout: Scenario = (bench) => fanoutOf(bench, ADDED);
export const fanoutChanged: Scenario = (bench) => fanoutOf(bench, changed());

async function fanoutOf(bench: Bench, variant: Variant) {
  const n = bench.options.subscribers;
  const scenario = `fan-out (${n.toLocaleString("en-US")} subscribers of ${variant.field})`;
  let missing: string | undefined;
  const side = await bench.withApp(
    async (app) => {
      if (!(await app.has("mutation", "addRelease"))) missing = "needs issue 3 (the addRelease mutation)";
      else if (!(await app.has("subscription", variant.field))) missing = `needs the ${variant.field} subscription`;
      return missing ? undefined : ours(bench, app, n, variant);
    },
    { FEED_POLL_MS: String(POLL_MS) },
  );
  // Without our side, the floor still runs on a payload of the same shape, for the record.
  const payload =
    side?.sample ??
    JSON.stringify({
      id: "1",
      type: "next",
      payload: {
        data: { releaseAdded: { cursor: "MTIz", release: { id: "UmVsZWFzZToxMjM", person: { name: "x" } } } },
      },
    });
  const raw = await floor(bench, n, payload);
  const kib = (bytes: number) => bytes / 1024;
  const rows: ResultRow[] = [];
  if (missing) rows.push(skipped(scenario, missing));
  const oursOr = (f: (s: Side) => number) => (side ? f(side) : null);
  const incomplete = side?.incomplete ? `${side.incomplete} deliveries missing` : undefined;
  // The latency and memory targets are set at 10,000 subscribers; with fewer, the fixed
  // cost of publishing (the mutation, its commit, one feed read and one execution, ~15 ms on
  // PGlite) outweighs the fan-out itself, which the raw broadcast has none of.
  const target = n >= TARGET_SUBSCRIBERS ? ({ kind: "max", ratio: 2 } as const) : undefined;
  rows.push(
    row(
      scenario,
      "latency p50 ms",
      oursOr((s) => percentile(s.latencies, 50)),
      percentile(raw.latencies, 50),
    ),
    row(
      scenario,
      "latency p99 ms",
      oursOr((s) => percentile(s.latencies, 99)),
      percentile(raw.latencies, 99),
      target,
      incomplete,
    ),
    row(
      scenario,
      "latency max ms",
      oursOr((s) => Math.max(...s.latencies)),
      Math.max(...raw.latencies),
    ),
    row(
      scenario,
      "server CPU ms / event",
      oursOr((s) => percentile(s.cpuMs, 50)),
      percentile(raw.cpuMs, 50),
    ),
    row(
      scenario,
      "memory / idle subscriber KiB",
      oursOr((s) => kib(s.memoryPerClient)),
      kib(raw.memoryPerClient),
      target,
    ),
    row(
      scenario,
      "RSS growth / idle subscriber KiB",
      oursOr((s) => kib(s.rssPerClient)),
      kib(raw.rssPerClient),
    ),
    row(
      scenario,
      "JS heap / idle subscriber KiB",
      oursOr((s) => kib(s.heapPerClient)),
      kib(raw.heapPerClient),
    ),
    row(
      scenario,
      "feed reads / event",
      oursOr((s) => s.feedReads ?? 0),
      null,
      { kind: "equal", ratio: 1 },
    ),
    row(
      scenario,
      "SQL statements / event",
      oursOr((s) => s.statements ?? 0),
      null,
    ),
  );
  return rows;
}
