// Nested read (exchange → releases → person → sentences and statements) against a bare server
// running the same SQL; and `{ __typename }` against a bare Yoga.
import type { Bench, Scenario } from "./context.js";
import { compare, type Side, type Throughput } from "./load.js";
import { row } from "./report.js";

export const NESTED_QUERY = `query Nested($slug: String!) {
  exchangeEvent(slug: $slug) {
    name occurredOn
    releases {
      releasedOn fromCountry toCountry
      person {
        name
        sentences { kind termMonths sentencedOn }
        statements(first: 5) { nodes { text saidOn } }
      }
    }
  }
}`;

async function compareSides(bench: Bench, ...sides: Side[]): Promise<Throughput[]> {
  const { rounds, duration, warmup, warmupRequests } = bench.options;
  return compare(sides, { rounds, seconds: duration, warmup, warmupRequests, log: bench.log });
}

function failures(t: Throughput): string | undefined {
  return t.errors + t.non2xx > 0 ? `${t.errors} errors, ${t.non2xx} non-2xx` : undefined;
}

export const nestedRead: Scenario = async (bench) => {
  const slugs = bench.dataset.exchangeSlugs;
  const slugAt = (n: number) => slugs[(n * 7919) % slugs.length] as string;
  const connections = bench.options.connections;
  const body = (n: number) => JSON.stringify({ query: NESTED_QUERY, variables: { slug: slugAt(n) } });
  const { captured, query, sqlPerRequest } = await bench.withApp(async (app) => {
    const probe = await app.gql(NESTED_QUERY, { slug: slugAt(0) });
    const releases = probe.data?.exchangeEvent?.releases?.length ?? 0;
    if (probe.errors || releases === 0)
      throw new Error(`nested read probe failed: ${JSON.stringify(probe).slice(0, 500)}`);
    await app.call("reset");
    await app.gql(NESTED_QUERY, { slug: slugAt(0) });
    const captured = await app.call<{ sql: string; params: unknown[] }[]>("capture");
    const query = await app.call<Record<string, unknown> | null>("capturedQuery");
    // Count statements over requests made one at a time: none is in flight across the reset.
    await app.call("reset");
    const probes = 20;
    for (let n = 0; n < probes; n++) await app.gql(NESTED_QUERY, { slug: slugAt(n) });
    const { statements } = await app.stats();
    bench.log(`nested read: ${releases} releases per exchange, ${captured.length} SQL statement(s) per request`);
    return { captured, query, sqlPerRequest: statements / probes };
  });
  const statements = captured.map((s) => ({ text: s.sql, params: s.params, slugIndex: s.params.indexOf(slugAt(0)) }));
  if (!query) throw new Error("nested read: the app child captured no relational query");
  const bySlug = (url: string) => ({
    url,
    method: "GET" as const,
    connections,
    path: (n: number) => `/?slug=${slugAt(n)}`,
  });
  const [ours, floor, drizzleAlone] = (await compareSides(
    bench,
    {
      label: "nested read · ours",
      open: (round) => bench.withApp((app) => round({ url: app.url, connections, body }, app)),
    },
    {
      label: "nested read · bare node:http + SQL",
      open: (round) =>
        bench.withChild("bare-sql", [JSON.stringify(bench.target)], async (child) => {
          await child.call("setRead", statements);
          return round(bySlug(`http://127.0.0.1:${child.ready.port}`), child);
        }),
    },
    {
      label: "nested read · bare node:http + drizzle",
      open: (round) =>
        bench.withChild("bare-drizzle", [], async (child) => {
          const url = `http://127.0.0.1:${child.ready.port}`;
          await child.call("setQuery", query);
          // Only a ceiling if drizzle runs exactly the SQL our server ran.
          const probe = await fetch(`${url}/?slug=${encodeURIComponent(slugAt(0))}`);
          if (!probe.ok) throw new Error(`drizzle-alone probe failed: ${probe.status} ${await probe.text()}`);
          const ran = await child.call<string[]>("statements");
          if (ran.length !== captured.length || ran.some((sql, i) => sql !== captured[i]?.sql))
            throw new Error("drizzle alone did not run the SQL our server ran; the ceiling would not compare");
          return round(bySlug(url), child);
        }),
    },
  )) as [Throughput, Throughput, Throughput];
  const scenario = "nested read";
  const ceiling = "nested read · drizzle alone";
  return [
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.6 }, failures(ours) ?? failures(floor)),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99, { kind: "max", ratio: 2 }),
    row(scenario, "server CPU ms / request", ours.cpuMs ?? null, floor.cpuMs ?? null),
    row(scenario, "SQL statements / request", sqlPerRequest, statements.length),
    // Not a target: how close any server that loads through drizzle can come to the floor.
    row(ceiling, "req/s", drizzleAlone.rps, floor.rps, undefined, failures(drizzleAlone)),
    row(ceiling, "p99 ms", drizzleAlone.p99, floor.p99),
    row(ceiling, "server CPU ms / request", drizzleAlone.cpuMs ?? null, floor.cpuMs ?? null),
  ];
};

export const transport: Scenario = async (bench) => {
  const body = () => JSON.stringify({ query: "{ __typename }" });
  const connections = bench.options.connections;
  const [ours, floor] = (await compareSides(
    bench,
    {
      label: "{ __typename } · ours",
      open: (round) => bench.withApp((app) => round({ url: app.url, connections, body }, app)),
    },
    {
      label: "{ __typename } · bare createYoga",
      open: (round) =>
        bench.withChild("bare-yoga", [], (child) =>
          round({ url: `http://127.0.0.1:${child.ready.port}/graphql`, connections, body }, child),
        ),
    },
  )) as [Throughput, Throughput];
  const scenario = "transport { __typename }";
  return [
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.8 }, failures(ours) ?? failures(floor)),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99),
    row(scenario, "server CPU ms / request", ours.cpuMs ?? null, floor.cpuMs ?? null),
  ];
};
