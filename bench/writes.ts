// addRelease with 4 concurrent admins against the same inserts made directly in SQL.
import { ADMIN_TOKEN, addReleaseBody, type Scenario } from "./context.js";
import { percentile, runLoad } from "./load.js";
import { row, skipped } from "./report.js";

const ADMINS = 4;
const STATS = "{ stats { releases } }";

export const writes: Scenario = async (bench) => {
  const scenario = `writes (${ADMINS} admins)`;
  const seconds = bench.options.duration;
  const ours = await bench.withApp(async (app) => {
    if (!(await app.has("mutation", "addRelease"))) return undefined;
    const first = JSON.parse(addReleaseBody(bench, 0, 2040));
    const probe = await app.gql(first.query, first.variables, true);
    if (probe.data?.addRelease?.__typename !== "Release") {
      throw new Error(`addRelease probe failed: ${JSON.stringify(probe).slice(0, 500)}`);
    }
    const before = (await app.gql(STATS)).data?.stats?.releases as number;
    await app.call("reset");
    bench.log(`writes · ours: ${seconds}s of addRelease from ${ADMINS} admins`);
    // Write n+1 onwards: the probe took write 0.
    const result = await runLoad({
      url: app.url,
      connections: ADMINS,
      seconds,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: (n) => addReleaseBody(bench, n + 1, 2040),
    });
    const { statements } = await app.stats();
    const after = (await app.gql(STATS)).data?.stats?.releases as number;
    const written = after - before;
    bench.log(`writes · ours: ${written} releases written (${result.requests} requests), p99 ${result.p99} ms`);
    return { ...result, written, sqlPerWrite: statements / Math.max(1, written) };
  });
  if (!ours) return [skipped(scenario, "needs issue 3 (the addRelease mutation is not in the schema yet)")];
  bench.log(`writes · floor: ${seconds}s of the same inserts in SQL from ${ADMINS} workers`);
  const floor = await bench.withChild("bare-sql", [JSON.stringify(bench.target)], (child) =>
    child.call<{ count: number; errors: number; seconds: number; latencies: number[] }>("writes", {
      workers: ADMINS,
      durationMs: seconds * 1000,
      persons: bench.dataset.sizes.persons,
      firstDay: 0,
    }),
  );
  const floorRate = floor.count / floor.seconds;
  bench.log(`writes · floor: ${Math.round(floorRate)} writes/s, ${floor.errors} errors`);
  // Requests still in flight when the clock stopped finish afterwards, so written may exceed requests.
  const lost = Math.max(0, ours.requests - ours.written);
  return [
    row(
      scenario,
      "writes/s",
      ours.written / seconds,
      floorRate,
      undefined,
      lost ? `${lost} requests wrote nothing` : undefined,
    ),
    row(scenario, "p50 ms", ours.p50, percentile(floor.latencies, 50)),
    row(scenario, "p99 ms", ours.p99, percentile(floor.latencies, 99)),
    row(scenario, "SQL statements / write", ours.sqlPerWrite, 4),
  ];
};
