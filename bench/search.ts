// Hostile search: the costliest name searches the API accepts, against ordinary ones on the same
// server and data set; then a plain query alone, and again while twenty clients send the
// costliest searches without pause.
import type { Bench, Scenario } from "./context.js";
import { runLoad, type Throughput } from "./load.js";
import { row } from "./report.js";

const SEARCH = "query ($s: String!) { persons(search: $s, first: 20) { totalCount nodes { name } } }";
const PLAIN = JSON.stringify({ query: "{ persons(first: 1) { nodes { name } } }" });
const ATTACKERS = 20;

/** Names as users type them: whole, in part, misspelt, in Cyrillic. */
const ORDINARY = ["Petrov", "Anna Schmidt", "Ivanova", "Sergei Volkov", "Kovalski", "Морозов", "Elena Keller", "Lang"];

/** Words repeated up to the length limit, with room left for the variant of `body`. */
const fill = (word: string) =>
  Array.from({ length: 5 }, () => word)
    .join(" ")
    .slice(0, 196);

/**
 * The costliest accepted inputs found: words at the 40-character limit of letters that fold
 * long (щ → shch, ㎉ → kcal), repeated to the 200-character limit; combining marks on letters
 * they do not compose with; LIKE and regex metacharacters; a hundred one-letter words.
 */
export const HOSTILE = [
  fill("щ".repeat(40)),
  fill("㎉".repeat(40)),
  fill("q\u0301".repeat(20)),
  fill("%_\\.*+?()[]{}|^$".repeat(3).slice(0, 40)),
  "a ".repeat(98).trim(),
  fill("ж".repeat(40)),
  fill("x".repeat(40)),
];

/** Every request distinct (a trailing variant word), so no layer can answer from a cache. */
const body = (inputs: string[]) => (n: number) =>
  JSON.stringify({ query: SEARCH, variables: { s: `${inputs[n % inputs.length]?.trim()} ${n % 97}` } });

function failures(...results: Throughput[]): string | undefined {
  const bad = results.reduce((sum, t) => sum + t.errors + t.non2xx, 0);
  return bad > 0 ? `${bad} failed requests` : undefined;
}

export const hostileSearch: Scenario = async (bench: Bench) => {
  const seconds = Math.max(2, Math.round(bench.options.duration / 3));
  const connections = bench.options.connections;
  return bench.withApp(async (app) => {
    for (const s of [...ORDINARY, ...HOSTILE]) {
      const probe = await app.gql(SEARCH, { s });
      if (probe.errors) throw new Error(`search probe ${JSON.stringify(s)} failed: ${JSON.stringify(probe.errors)}`);
    }
    const load = (n: number, make: (n: number) => string, s = seconds) =>
      runLoad({ url: app.url, connections: n, seconds: s, body: make });
    await load(connections, body(ORDINARY), bench.options.warmup);
    await load(connections, body(HOSTILE), bench.options.warmup);
    const ordinary = await load(connections, body(ORDINARY));
    const hostile = await load(connections, body(HOSTILE));
    bench.log(`hostile search: ordinary p99 ${ordinary.p99} ms, hostile p99 ${hostile.p99} ms`);

    const idle = await load(1, () => PLAIN);
    const attacking = load(ATTACKERS, body(HOSTILE), seconds + 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const plain = await load(1, () => PLAIN);
    const attack = await attacking;
    // A plain query that never came back within the round has no latency sample: count the round.
    if (plain.requests === 0) Object.assign(plain, { p99: seconds * 1000 });
    bench.log(
      `plain query: idle p99 ${idle.p99} ms, p99 ${plain.p99} ms (${plain.requests} requests) beside ${ATTACKERS} hostile searchers`,
    );
    const scenario = "hostile search";
    return [
      row(scenario, "search p99 ms (floor: ordinary search)", hostile.p99, ordinary.p99, { kind: "max", ratio: 3 }),
      row(scenario, "search p50 ms (floor: ordinary search)", hostile.p50, ordinary.p50),
      row(scenario, "searches/s (floor: ordinary search)", hostile.rps, ordinary.rps, undefined, failures(hostile)),
      row(
        scenario,
        `plain query p99 ms beside ${ATTACKERS} hostile searchers (floor: idle)`,
        plain.p99,
        idle.p99,
        { kind: "max", ratio: 2 },
        failures(ordinary, idle, plain, attack),
      ),
      row(scenario, `hostile searches/s by ${ATTACKERS} clients`, attack.rps, null),
    ];
  });
};
