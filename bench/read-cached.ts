// The nested read with the response cache on, 1,000 exchange slugs rotating (every one of them
// stays in a cache of RESPONSE_CACHE_SIZE=1000 once the warm-up has asked for it), against the
// same read with the cache off in the same run, and (on PostgreSQL) against PostGraphile, which has
// no response cache of its own. Every side's answers are checked equal to ours first.
import { isDeepStrictEqual } from "node:util";
import type { Scenario } from "./context.js";
import { compare, type Side, type Throughput } from "./load.js";
import { checkPeerAnswers, PEER_NESTED_QUERY, peerSide } from "./peer.js";
import { NESTED_QUERY } from "./read.js";
import { row, skipped } from "./report.js";

const CACHE_SIZE = "1000";

export const cachedRead: Scenario = async (bench) => {
  const slugs = bench.dataset.exchangeSlugs.slice(0, 1000);
  const slugAt = (n: number) => slugs[(n * 7919) % slugs.length] as string;
  const body = (n: number) => JSON.stringify({ query: NESTED_QUERY, variables: { slug: slugAt(n) } });
  const connections = bench.options.connections;
  const cacheOn = { RESPONSE_CACHE_SIZE: CACHE_SIZE };
  const cacheOff = { RESPONSE_CACHE_SIZE: "0" };

  // The cached answer must be the answer: the same bytes as an uncached run, a few slugs apart.
  const probe = [0, 1, 2, 499, 999].map(slugAt);
  const answers = (env: Record<string, string>) =>
    bench.withApp(async (app) => {
      const results = [];
      for (const slug of [...probe, ...probe]) results.push(await app.gql(NESTED_QUERY, { slug }));
      return results;
    }, env);
  const [on, off] = [await answers(cacheOn), await answers(cacheOff)];
  if (on.some((r) => r.errors) || !isDeepStrictEqual(on, off)) {
    throw new Error(`cache-on answers differ from cache-off answers: ${JSON.stringify(on[0]).slice(0, 300)}`);
  }

  // What the cache keeps: the heap (after full collections) once every slug has been asked
  // for, with the cache on and with it off.
  const heapAfterEverySlug = (env: Record<string, string>) =>
    bench.withApp(async (app) => {
      for (const slug of slugs) await app.gql(NESTED_QUERY, { slug });
      return (await app.stats()).heapUsed / 2 ** 20;
    }, env);
  const [heapOn, heapOff] = [await heapAfterEverySlug(cacheOn), await heapAfterEverySlug(cacheOff)];

  const peer: Side[] =
    bench.target.kind === "postgres"
      ? [
          peerSide(
            bench,
            "nested read · PostGraphile",
            (url) => ({
              url,
              connections,
              body: (n) => JSON.stringify({ query: PEER_NESTED_QUERY, variables: { slug: slugAt(n) } }),
            }),
            (url) =>
              checkPeerAnswers(
                url,
                PEER_NESTED_QUERY,
                probe.map((slug) => ({ slug })),
                on.slice(0, probe.length),
              ),
          ),
        ]
      : [];
  const { rounds, duration, warmup, warmupRequests } = bench.options;
  const [cached, uncached, theirs] = (await compare(
    [
      {
        label: "nested read, cache on · ours",
        open: (round) => bench.withApp((app) => round({ url: app.url, connections, body }, app), cacheOn),
      },
      {
        label: "nested read, cache off · ours",
        open: (round) => bench.withApp((app) => round({ url: app.url, connections, body }, app), cacheOff),
      },
      ...peer,
    ],
    // The warm-up asks for every slug at least once, so that the measured rounds are all hits.
    { rounds, seconds: duration, warmup, warmupRequests: Math.max(warmupRequests, slugs.length), log: bench.log },
  )) as [Throughput, Throughput, Throughput | undefined];
  const scenario = "nested read, cache on, 1,000 slugs (floor: cache off)";
  const failures = (t: Throughput) => (t.errors + t.non2xx > 0 ? `${t.errors} errors, ${t.non2xx} non-2xx` : undefined);
  return [
    row(scenario, "req/s", cached.rps, uncached.rps, undefined, failures(cached) ?? failures(uncached)),
    row(scenario, "p50 ms", cached.p50, uncached.p50),
    row(scenario, "p99 ms", cached.p99, uncached.p99),
    row(scenario, "server CPU ms / request", cached.cpuMs ?? null, uncached.cpuMs ?? null),
    row(scenario, "JS heap after every slug once, MiB", heapOn, heapOff),
    ...(theirs
      ? [
          row(
            "nested read, cache on vs PostGraphile",
            "req/s",
            cached.rps,
            theirs.rps,
            { kind: "min", ratio: 3 },
            failures(theirs),
          ),
          row(
            "nested read, cache on vs PostGraphile",
            "server CPU ms / request",
            cached.cpuMs ?? null,
            theirs.cpuMs ?? null,
          ),
        ]
      : [skipped("nested read, cache on vs PostGraphile", "PostgreSQL only")]),
  ];
};
