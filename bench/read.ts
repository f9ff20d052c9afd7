// Nested read (exchange → releases → person → sentences and statements) against PostGraphile
// and a bare server running the same SQL; a list page against PostGraphile; and
// `{ __typename }` against PostGraphile and a bare Yoga. PostGraphile runs on PostgreSQL only.
import type { Bench, Scenario } from "./context.js";
import { compare, type Side, type Throughput } from "./load.js";
import { checkPeerAnswers, PEER_NESTED_QUERY, PEER_PERSONS_QUERY, PERSONS_QUERY, peerSide } from "./peer.js";
import { type ResultRow, row, skipped } from "./report.js";

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
  return compare(sides, {
    rounds,
    seconds: duration,
    warmup,
    warmupRequests,
    log: bench.log,
    databaseCpu: bench.databaseCpu,
  });
}

function failures(t: Throughput): string | undefined {
  return t.errors + t.non2xx > 0 ? `${t.errors} errors, ${t.non2xx} non-2xx` : undefined;
}

const PEER = "PostGraphile";
/** How many requests of a rotation are checked against PostGraphile's answers before timing. */
const CHECKED = 20;

/** Rows of ours against PostGraphile; `cpu` sets the CPU-per-request target when there is one. */
function peerRows(scenario: string, ours: Throughput, peer: Throughput, rps: number, cpu?: number): ResultRow[] {
  return [
    row(scenario, "req/s", ours.rps, peer.rps, { kind: "min", ratio: rps }, failures(ours) ?? failures(peer)),
    row(scenario, "p99 ms", ours.p99, peer.p99),
    row(
      scenario,
      "server CPU ms / request",
      ours.cpuMs ?? null,
      peer.cpuMs ?? null,
      cpu ? { kind: "max", ratio: cpu } : undefined,
    ),
    ...databaseCpuRow(scenario, ours, peer),
  ];
}

/** PostgreSQL's CPU per request on both sides, where the bench can read it (database-cpu.ts). */
function databaseCpuRow(scenario: string, ours: Throughput, floor: Throughput): ResultRow[] {
  if (ours.dbCpuMs === undefined || floor.dbCpuMs === undefined) return [];
  return [row(scenario, "PostgreSQL CPU ms / request", ours.dbCpuMs, floor.dbCpuMs)];
}

/**
 * The nested read with our server started with `appEnv` (a hook for variants of the same read,
 * such as a response cache switched on), labelled `name` in the table.
 */
export function nestedReadWith(name: string, appEnv: Record<string, string> = {}): Scenario {
  return (bench) => nestedReadOf(bench, name, appEnv);
}

async function nestedReadOf(bench: Parameters<Scenario>[0], scenario: string, appEnv: Record<string, string>) {
  const slugs = bench.dataset.exchangeSlugs;
  const slugAt = (n: number) => slugs[(n * 7919) % slugs.length] as string;
  const connections = bench.options.connections;
  const body = (n: number) => JSON.stringify({ query: NESTED_QUERY, variables: { slug: slugAt(n) } });
  const onPostgres = bench.target.kind === "postgres";
  const { captured, query, sqlPerRequest, answers } = await bench.withApp(async (app) => {
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
    const answers = [];
    for (let n = 0; n < CHECKED; n++) answers.push(await app.gql(NESTED_QUERY, { slug: slugAt(n) }));
    return { captured, query, sqlPerRequest: statements / probes, answers };
  }, appEnv);
  const statements = captured.map((s) => ({ text: s.sql, params: s.params, slugIndex: s.params.indexOf(slugAt(0)) }));
  if (!query) throw new Error("nested read: the app child captured no relational query");
  const bySlug = (url: string) => ({
    url,
    method: "GET" as const,
    connections,
    path: (n: number) => `/?slug=${slugAt(n)}`,
  });
  const peerCheck = (url: string) =>
    checkPeerAnswers(
      url,
      PEER_NESTED_QUERY,
      answers.map((_, n) => ({ slug: slugAt(n) })),
      answers,
    );
  const peerBody = (n: number) => JSON.stringify({ query: PEER_NESTED_QUERY, variables: { slug: slugAt(n) } });
  const peer = onPostgres
    ? [peerSide(bench, `${scenario} · ${PEER}`, (url) => ({ url, connections, body: peerBody }), peerCheck)]
    : [];
  const [ours, floor, drizzleAlone, theirs] = (await compareSides(
    bench,
    {
      label: `${scenario} · ours`,
      open: (round) => bench.withApp((app) => round({ url: app.url, connections, body }, app), appEnv),
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
    ...peer,
  )) as [Throughput, Throughput, Throughput, Throughput | undefined];
  const ceiling = `${scenario} · drizzle alone`;
  return [
    ...(theirs
      ? peerRows(`${scenario} vs ${PEER}`, ours, theirs, 1, 1)
      : [skipped(`${scenario} vs ${PEER}`, "PostgreSQL only")]),
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.6 }, failures(ours) ?? failures(floor)),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99, { kind: "max", ratio: 2 }),
    row(scenario, "server CPU ms / request", ours.cpuMs ?? null, floor.cpuMs ?? null),
    ...databaseCpuRow(scenario, ours, floor),
    row(scenario, "SQL statements / request", sqlPerRequest, statements.length),
    // Not a target: how close any server that loads through drizzle can come to the floor.
    row(ceiling, "req/s", drizzleAlone.rps, floor.rps, undefined, failures(drizzleAlone)),
    row(ceiling, "p99 ms", drizzleAlone.p99, floor.p99),
    row(ceiling, "server CPU ms / request", drizzleAlone.cpuMs ?? null, floor.cpuMs ?? null),
  ];
}

export const nestedRead: Scenario = nestedReadWith("nested read");

/** `persons(first: 20) { nodes { name } }`, the usual list view, against PostGraphile. */
export const listPage: Scenario = async (bench) => {
  const scenario = `persons(first: 20) vs ${PEER}`;
  if (bench.target.kind !== "postgres") return [skipped(scenario, "PostgreSQL only")];
  const connections = bench.options.connections;
  const mine = await bench.withApp((app) => app.gql(PERSONS_QUERY));
  const body = (query: string) => () => JSON.stringify({ query });
  const [ours, theirs] = (await compareSides(
    bench,
    {
      label: "persons(first: 20) · ours",
      open: (round) => bench.withApp((app) => round({ url: app.url, connections, body: body(PERSONS_QUERY) }, app)),
    },
    peerSide(
      bench,
      `persons(first: 20) · ${PEER}`,
      (url) => ({ url, connections, body: body(PEER_PERSONS_QUERY) }),
      (url) => checkPeerAnswers(url, PEER_PERSONS_QUERY, [undefined], [mine]),
    ),
  )) as [Throughput, Throughput];
  return peerRows(scenario, ours, theirs, 1);
};

export const transport: Scenario = async (bench) => {
  const body = () => JSON.stringify({ query: "{ __typename }" });
  const connections = bench.options.connections;
  const [ours, floor, theirs] = (await compareSides(
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
    ...(bench.target.kind === "postgres"
      ? [
          peerSide(
            bench,
            `{ __typename } · ${PEER}`,
            (url) => ({ url, connections, body }),
            (url) => checkPeerAnswers(url, "{ __typename }", [undefined], [{ data: { __typename: "Query" } }]),
          ),
        ]
      : []),
  )) as [Throughput, Throughput, Throughput | undefined];
  const scenario = "transport { __typename }";
  return [
    ...(theirs
      ? peerRows(`{ __typename } vs ${PEER}`, ours, theirs, 0.8)
      : [skipped(`{ __typename } vs ${PEER}`, "PostgreSQL only")]),
    row(scenario, "req/s", ours.rps, floor.rps, { kind: "min", ratio: 0.8 }, failures(ours) ?? failures(floor)),
    row(scenario, "p50 ms", ours.p50, floor.p50),
    row(scenario, "p99 ms", ours.p99, floor.p99),
    row(scenario, "server CPU ms / request", ours.cpuMs ?? null, floor.cpuMs ?? null),
  ];
};
