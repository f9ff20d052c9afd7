// Corrections and retractions with 4 concurrent admins, against additions (addRelease) measured
// in the same rounds: what a change costs next to a new fact, each side counted by the audit
// rows it left rather than by requests answered. The releases corrected are the ones the round
// added (from a country the data set never uses): the generated data set does not keep every
// rule a correction re-checks. A retraction checks no such rule, so each takes a release of the
// data set, from the last one down (this scenario runs last).
import { encodeGlobalId } from "../src/graphql/global-id.js";
import { ADMIN_TOKEN, type AppChild, addReleaseBody, type Bench, type Scenario } from "./context.js";
import { percentile, runLoad } from "./load.js";
import { row, skipped } from "./report.js";

const ADMINS = 4;
/** addRelease stretches of (person, day) pairs, away from the writes scenario's. */
const PER_ROUND = 1_000_000;
const ADD_BASE = 50_000_000;

const UPDATE = `mutation Update($id: ID!, $note: String!) {
  updateRelease(id: $id, input: { note: $note }, reason: "bench: a corrected note") {
    __typename ... on Error { message }
  }
}`;
const RETRACT = `mutation Retract($id: ID!) {
  retractRelease(id: $id, reason: "bench: recorded in error") { __typename ... on Error { message } }
}`;

type Kind = "add" | "update" | "retract";
const ACTION: Record<Kind, string> = { add: "addRelease", update: "updateRelease", retract: "retractRelease" };
const FROM = "IS";

/** How many writes of this kind the audit log holds. */
async function audited(app: AppChild, kind: Kind): Promise<number> {
  const result = await app.gql(
    `query ($action: String) { auditLog(action: $action, first: 1) { totalCount } }`,
    { action: ACTION[kind] },
    true,
  );
  return Number(result.data?.auditLog?.totalCount ?? Number.NaN);
}

/** The standing releases this scenario added, newest first. */
async function added(app: AppChild): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { data?: any } = await app.gql(
      `query ($after: String) { releases(fromCountry: "${FROM}", first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    const releases = page.data?.releases;
    if (!releases) throw new Error(`cannot list the releases to change: ${JSON.stringify(page).slice(0, 300)}`);
    ids.push(...(releases?.nodes ?? []).map((node: { id: string }) => node.id));
    if (!releases?.pageInfo?.hasNextPage) return ids;
    after = releases.pageInfo.endCursor;
  }
}

const addBody = (bench: Bench, n: number) => {
  const body = JSON.parse(addReleaseBody(bench, n, 1993));
  body.variables.input.fromCountry = FROM;
  return JSON.stringify(body);
};
type Measured = { perSecond: number; p50: number; p99: number; cpuMs: number; statements: number; failed: number };

export const corrections: Scenario = async (bench) => {
  const scenario = `corrections (${ADMINS} admins)`;
  const { rounds } = bench.options;
  const seconds = Math.max(1, Math.round(bench.options.duration / rounds));
  const results: Record<Kind, Measured[]> = { add: [], update: [], retract: [] };
  const releases = bench.dataset.sizes.releases;
  let retracted = 0;
  for (let r = 0; r < rounds; r++) {
    const done = await bench.withApp(async (app) => {
      if (!(await app.has("mutation", "retractRelease"))) return false;
      let targets: string[] = [];
      const bodies: Record<Kind, (n: number) => string> = {
        add: (n) => addBody(bench, ADD_BASE + r * PER_ROUND + n),
        update: (n) =>
          JSON.stringify({
            query: UPDATE,
            variables: { id: targets[n % targets.length], note: `corrected in round ${r}, request ${n}` },
          }),
        retract: () =>
          JSON.stringify({ query: RETRACT, variables: { id: encodeGlobalId("Release", releases - retracted++) } }),
      };
      for (const kind of ["add", "update", "retract"] as const) {
        if (kind === "update") {
          targets = await added(app);
          if (targets.length === 0) throw new Error("the additions left no release to correct");
        }
        let next = 0;
        const load = (s: number) =>
          runLoad({
            url: app.url,
            connections: ADMINS,
            seconds: s,
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
            body: () => bodies[kind](next++),
          });
        // Additions warm up with a stretch of their own; changes warm up on the releases they measure on.
        if (kind === "add") await load(1);
        if (kind === "add") next = PER_ROUND / 2;
        const before = await audited(app, kind);
        await app.call("reset");
        const cpu0 = await app.call<NodeJS.CpuUsage>("cpu");
        const result = await load(seconds);
        const cpu1 = await app.call<NodeJS.CpuUsage>("cpu");
        const { statements } = await app.stats();
        const written = (await audited(app, kind)) - before;
        const cpuMs = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / 1000;
        results[kind].push({
          perSecond: written / seconds,
          p50: result.p50,
          p99: result.p99,
          cpuMs: cpuMs / Math.max(1, written),
          statements: statements / Math.max(1, written),
          failed: Math.max(0, result.requests - written),
        });
        bench.log(
          `corrections · ${kind} · round ${r + 1}: ${Math.round(written / seconds)}/s of ${result.requests} requests, p99 ${result.p99} ms, ${statements} SQL`,
        );
      }
      return true;
    });
    if (!done) return [skipped(scenario, "needs issue 17 (updateRelease and retractRelease)")];
  }
  const median = (kind: Kind, f: (m: Measured) => number) => percentile(results[kind].map(f), 50);
  const failed = (kind: Kind) => {
    const n = results[kind].reduce((sum, m) => sum + m.failed, 0);
    return n > 0 ? `${n} requests recorded nothing` : undefined;
  };
  return (["update", "retract"] as const).flatMap((kind) => {
    const name = `${scenario}: ${kind === "update" ? "updateRelease" : "retractRelease"} / addRelease`;
    return [
      row(
        name,
        "writes/s",
        median(kind, (m) => m.perSecond),
        median("add", (m) => m.perSecond),
        undefined,
        failed(kind),
      ),
      row(
        name,
        "p99 ms",
        median(kind, (m) => m.p99),
        median("add", (m) => m.p99),
      ),
      row(
        name,
        "server CPU ms / write",
        median(kind, (m) => m.cpuMs),
        median("add", (m) => m.cpuMs),
      ),
      row(
        name,
        "SQL statements / write",
        median(kind, (m) => m.statements),
        median("add", (m) => m.statements),
      ),
    ];
  });
};
