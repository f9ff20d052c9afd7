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

async function compareSides(bench: Bench, ours: Side, floor: Side): Promise<[Throughput, Throughput]> {
  const { rounds, duration, warmup } = bench.options;
  return (await compare([ours, floor], { rounds, seconds: duration, warmup, log: bench.log })) as [
    Throughput,
    Throughput,
  ];
}

function failures(t: Throughput): string | undefined {
  return t.errors + t.non2xx > 0 ? `${t.errors} errors, ${t.non2xx} non-2xx` : undefined;
}

export const nestedRead: Scenario = async (bench) => {
  const slugs = bench.dataset.exchangeSlugs;
  const slugAt = (n: number) => slugs[(n * 7919) % slugs.length] as string;
  const connections = bench.options.connections;
  const body = (n: number) => JSON.stringify({ query: NESTED_QUERY, variables: { slug: slugAt(n) } });
  const { captured, sqlPerRequest } = await bench.withApp(async (app) => {
    const probe = await app.gql(NESTED_QUERY, { slug: slugAt(0) });
    const releases = probe.data?.exchangeEvent?.releases?.length ?? 0;
    if (probe.errors || releases === 0)
      throw new Error(`nested read probe failed: ${JSON.stringify(probe).slice(0, 500)}`);
    await app.call("reset");
    await app.gql(NESTED_QUERY, { slug: slugAt(0) });
    const captured = await app.call<{ sql: string; params: unknown[] }[]>("capture");
    // Count statements over requests made one at a time: none is in flight across the reset.
    await app.call("reset");
    const probes = 20;
    for (let n = 0; n < probes; n++) await app.gql(NESTED_QUERY, { slug: slugAt(n) });
    const { statements } = await app.stats();
    bench.log(`nested read: ${releases} releases per exchange, ${captured.length} SQL statement(s) per request`);
    return { captured, sqlPerRequest: statements / probes };
  });
  const statements = captured.map((s) => ({ text: s.sql, params: s.params, slugIndex: s.params.indexOf(slugAt(0)) }));
  const [ours, floor] = await compareSides(
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
          return round(
            {
              url: `http://127.0.0.1:${child.ready.port}`,
              method: "GET",
              connections,
              path: (n) => `/?slug=${slugAt(n)}`,
            },
            child,
          );
        }),
    },
  );
  const scenario = "nested read";
  return [
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.6 }, failures(ours) ?? failures(floor)),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99, { kind: "max", ratio: 2 }),
    row(scenario, "server CPU ms / request", ours.cpuMs ?? null, floor.cpuMs ?? null),
    row(scenario, "SQL statements / request", sqlPerRequest, statements.length),
  ];
};

export const transport: Scenario = async (bench) => {
  const body = () => JSON.stringify({ query: "{ __typename }" });
  const connections = bench.options.connections;
  const [ours, floor] = await compareSides(
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
  );
  const scenario = "transport { __typename }";
  return [
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.8 }, failures(ours) ?? failures(floor)),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99),
    row(scenario, "server CPU ms / request", ours.cpuMs ?? null, floor.cpuMs ?? null),
  ];
};
