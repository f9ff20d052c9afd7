// The nested read with the response cache on, 1,000 exchange slugs rotating (every one of them
// stays in a cache of RESPONSE_CACHE_SIZE=1000 once the warm-up has asked for it), against the
// same read with the cache off in the same run. Both sides' answers are checked equal first.
import { isDeepStrictEqual } from "node:util";
import type { Scenario } from "./context.js";
import { compare, type Throughput } from "./load.js";
import { NESTED_QUERY } from "./read.js";
import { row } from "./report.js";

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

  const { rounds, duration, warmup, warmupRequests } = bench.options;
  const [cached, uncached] = (await compare(
    [
      {
        label: "nested read, cache on · ours",
        open: (round) => bench.withApp((app) => round({ url: app.url, connections, body }, app), cacheOn),
      },
      {
        label: "nested read, cache off · ours",
        open: (round) => bench.withApp((app) => round({ url: app.url, connections, body }, app), cacheOff),
      },
    ],
    // The warm-up asks for every slug at least once, so that the measured rounds are all hits.
    { rounds, seconds: duration, warmup, warmupRequests: Math.max(warmupRequests, slugs.length), log: bench.log },
  )) as [Throughput, Throughput];
  const scenario = "nested read, cache on, 1,000 slugs (floor: cache off)";
  const failures = (t: Throughput) => (t.errors + t.non2xx > 0 ? `${t.errors} errors, ${t.non2xx} non-2xx` : undefined);
  return [
    row(scenario, "req/s", cached.rps, uncached.rps, undefined, failures(cached) ?? failures(uncached)),
    row(scenario, "p50 ms", cached.p50, uncached.p50),
    row(scenario, "p99 ms", cached.p99, uncached.p99),
    row(scenario, "server CPU ms / request", cached.cpuMs ?? null, uncached.cpuMs ?? null),
  ];
};
