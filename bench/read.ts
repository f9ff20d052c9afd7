// Nested read (exchange → releases → person → sentences and statements) against a bare server
// running the same SQL; and `{ __typename }` against a bare Yoga.
import type { Bench, Scenario } from "./context.js";
import { type Load, runLoad, type Throughput } from "./load.js";
import { type ResultRow, row } from "./report.js";

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

/** Warm up, then measure; both sides of every comparison go through this. */
async function measure(bench: Bench, label: string, load: Omit<Load, "seconds">): Promise<Throughput> {
  const { options } = bench;
  bench.log(`${label}: warm-up ${options.warmup}s`);
  await runLoad({ ...load, seconds: options.warmup });
  bench.log(`${label}: ${options.duration}s at ${load.connections} connections`);
  const result = await runLoad({ ...load, seconds: options.duration });
  bench.log(
    `${label}: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms` +
      (result.errors + result.non2xx > 0 ? `, ${result.errors} errors, ${result.non2xx} non-2xx` : ""),
  );
  return result;
}

function failures(t: Throughput): string | undefined {
  return t.errors + t.non2xx > 0 ? `${t.errors} errors, ${t.non2xx} non-2xx` : undefined;
}

export const nestedRead: Scenario = async (bench) => {
  const slugs = bench.dataset.exchangeSlugs;
  const slugAt = (n: number) => slugs[(n * 7919) % slugs.length] as string;
  const connections = bench.options.connections;
  let captured: { sql: string; params: unknown[] }[] = [];
  const ours = await bench.withApp(async (app) => {
    const probe = await app.gql(NESTED_QUERY, { slug: slugAt(0) });
    const releases = probe.data?.exchangeEvent?.releases?.length ?? 0;
    if (probe.errors || releases === 0)
      throw new Error(`nested read probe failed: ${JSON.stringify(probe).slice(0, 500)}`);
    await app.call("reset");
    await app.gql(NESTED_QUERY, { slug: slugAt(0) });
    captured = await app.call("capture");
    bench.log(`nested read: ${releases} releases per exchange, ${captured.length} SQL statement(s) per request`);
    const result = await measure(bench, "nested read · ours", {
      url: app.url,
      connections,
      body: (n) => JSON.stringify({ query: NESTED_QUERY, variables: { slug: slugAt(n) } }),
    });
    // Count statements over requests made one at a time: none is in flight across the reset.
    await app.call("reset");
    const probes = 20;
    for (let n = 0; n < probes; n++) await app.gql(NESTED_QUERY, { slug: slugAt(n) });
    const { statements } = await app.stats();
    return { ...result, sqlPerRequest: statements / probes };
  });
  const statements = captured.map((s) => ({
    text: s.sql,
    params: s.params,
    slugIndex: s.params.indexOf(slugAt(0)),
  }));
  const floor = await bench.withChild("bare-sql", [JSON.stringify(bench.target)], async (child) => {
    await child.call("setRead", statements);
    return measure(bench, "nested read · bare node:http + SQL", {
      url: `http://127.0.0.1:${child.ready.port}`,
      method: "GET",
      connections,
      path: (n) => `/?slug=${slugAt(n)}`,
    });
  });
  const scenario = "nested read";
  const note = failures(ours) ?? failures(floor);
  return [
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.6 }, note),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99, { kind: "max", ratio: 2 }),
    row(scenario, "SQL statements / request", ours.sqlPerRequest, statements.length),
  ];
};

export const transport: Scenario = async (bench) => {
  const body = () => JSON.stringify({ query: "{ __typename }" });
  const connections = bench.options.connections;
  const ours = await bench.withApp((app) =>
    measure(bench, "{ __typename } · ours", { url: app.url, connections, body }),
  );
  const floor = await bench.withChild("bare-yoga", [], (child) =>
    measure(bench, "{ __typename } · bare createYoga", {
      url: `http://127.0.0.1:${child.ready.port}/graphql`,
      connections,
      body,
    }),
  );
  const scenario = "transport { __typename }";
  const rows: ResultRow[] = [
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.8 }, failures(ours) ?? failures(floor)),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99),
  ];
  return rows;
};
