// addRelease with 4 concurrent admins against the same inserts made directly in SQL, the two
// sides alternating in rounds.
import { ADMIN_TOKEN, addReleaseBody, type Bench, type Scenario } from "./context.js";
import { percentile, runLoad, type Throughput } from "./load.js";
import { row, skipped } from "./report.js";

const ADMINS = 4;
const STATS = "{ stats { releases } }";
/** Each round writes from its own stretch of (person, day) pairs: see addReleaseBody. */
const PER_ROUND = 1_000_000;

type Ours = Throughput & { written: number; statements: number; cpuMs: number };

async function oursRound(bench: Bench, round: number, seconds: number): Promise<Ours | undefined> {
  return bench.withApp(async (app) => {
    if (!(await app.has("mutation", "addRelease"))) return undefined;
    const base = round * PER_ROUND;
    const first = JSON.parse(addReleaseBody(bench, base, 1990));
    const probe = await app.gql(first.query, first.variables, true);
    if (probe.data?.addRelease?.__typename !== "Release") {
      throw new Error(`addRelease probe failed: ${JSON.stringify(probe).slice(0, 500)}`);
    }
    const load = (offset: number, s: number) =>
      runLoad({
        url: app.url,
        connections: ADMINS,
        seconds: s,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        body: (n) => addReleaseBody(bench, base + offset + n, 1990),
      });
    await load(1, bench.options.warmup);
    const before = (await app.gql(STATS)).data?.stats?.releases as number;
    await app.call("reset");
    const cpu0 = await app.call<NodeJS.CpuUsage>("cpu");
    const result = await load(PER_ROUND / 2, seconds);
    const cpu1 = await app.call<NodeJS.CpuUsage>("cpu");
    const { statements } = await app.stats();
    const written = ((await app.gql(STATS)).data?.stats?.releases as number) - before;
    bench.log(`writes · ours · round ${round + 1}: ${Math.round(written / seconds)} writes/s, p99 ${result.p99} ms`);
    const cpuMs = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / 1000 / Math.max(1, written);
    return { ...result, written, statements, cpuMs };
  });
}

export const writes: Scenario = async (bench) => {
  const scenario = `writes (${ADMINS} admins)`;
  const { rounds } = bench.options;
  const seconds = Math.max(1, Math.round(bench.options.duration / rounds));
  const ours: Ours[] = [];
  const floor: { count: number; errors: number; seconds: number; latencies: number[]; cpuMs: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const result = await oursRound(bench, r, seconds);
    if (!result) return [skipped(scenario, "needs issue 3 (the addRelease mutation is not in the schema yet)")];
    ours.push(result);
    const direct = await bench.withChild("bare-sql", [JSON.stringify(bench.target)], async (child) => {
      const cpu0 = await child.call<NodeJS.CpuUsage>("cpu");
      const done = await child.call<Omit<(typeof floor)[number], "cpuMs">>("writes", {
        workers: ADMINS,
        durationMs: seconds * 1000,
        persons: bench.dataset.sizes.persons,
        firstDay: r * 1000,
      });
      const cpu1 = await child.call<NodeJS.CpuUsage>("cpu");
      return { ...done, cpuMs: (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / 1000 / Math.max(1, done.count) };
    });
    bench.log(`writes · direct SQL · round ${r + 1}: ${Math.round(direct.count / direct.seconds)} writes/s`);
    floor.push(direct);
  }
  const written = ours.reduce((sum, t) => sum + t.written, 0);
  const requests = ours.reduce((sum, t) => sum + t.requests, 0);
  const statements = ours.reduce((sum, t) => sum + t.statements, 0);
  const latencies = floor.flatMap((f) => f.latencies);
  // Requests still in flight when the clock stopped finish afterwards, so written may exceed requests.
  const lost = Math.max(0, requests - written);
  const median = (values: number[]) => percentile(values, 50);
  return [
    row(
      scenario,
      "writes/s",
      written / (seconds * rounds),
      latencies.length / floor.reduce((sum, f) => sum + f.seconds, 0),
      undefined,
      lost ? `${lost} requests wrote nothing` : undefined,
    ),
    row(scenario, "p50 ms", median(ours.map((t) => t.p50)), percentile(latencies, 50)),
    row(scenario, "p99 ms", median(ours.map((t) => t.p99)), percentile(latencies, 99)),
    row(scenario, "server CPU ms / write", median(ours.map((t) => t.cpuMs)), median(floor.map((f) => f.cpuMs))),
    row(scenario, "SQL statements / write", statements / Math.max(1, written), 4),
  ];
};
