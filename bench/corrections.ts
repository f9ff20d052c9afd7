// Corrections and retractions with 4 concurrent admins, against additions (addRelease) measured
// in the same rounds: what a change costs next to a new fact, each side counted by the versions
// it recorded in the database rather than by requests answered.

import { encodeGlobalId } from "../src/graphql/global-id.js";
import { ADMIN_TOKEN, addReleaseBody, type Scenario } from "./context.js";
import { percentile, runLoad } from "./load.js";
import { row, skipped } from "./report.js";
import { openRawSql } from "./sql.js";

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
type Measured = { perSecond: number; p50: number; p99: number; cpuMs: number; statements: number; failed: number };

export const corrections: Scenario = async (bench) => {
  const scenario = `corrections (${ADMINS} admins)`;
  const { rounds } = bench.options;
  const seconds = Math.max(1, Math.round(bench.options.duration / rounds / 3));
  const releases = bench.dataset.sizes.releases;
  const sql = await openRawSql(bench.target, 1);
  const versions = async (change: string) =>
    Number((await sql.query("select count(*)::int as n from fact_version where change = $1", [change]))[0]?.n ?? 0);
  const results: Record<Kind, Measured[]> = { add: [], update: [], retract: [] };
  // Each retraction takes a release of its own: a round's stretch of ids, shared by its admins.
  let nextToRetract = 1;
  try {
    for (let r = 0; r < rounds; r++) {
      const done = await bench.withApp(async (app) => {
        if (!(await app.has("mutation", "retractRelease"))) return false;
        const bodies: Record<Kind, (n: number) => string> = {
          add: (n) => addReleaseBody(bench, ADD_BASE + r * PER_ROUND + n, 1960),
          // Updates spread over the second half of the ids, which retractions do not reach.
          update: (n) =>
            JSON.stringify({
              query: UPDATE,
              variables: {
                id: encodeGlobalId("Release", releases - (n % Math.floor(releases / 2))),
                note: `corrected in round ${r}, request ${n}`,
              },
            }),
          retract: (n) =>
            JSON.stringify({
              query: RETRACT,
              variables: { id: encodeGlobalId("Release", Math.min(nextToRetract + n, releases)) },
            }),
        };
        const change: Record<Kind, string> = { add: "ADDED", update: "UPDATED", retract: "RETRACTED" };
        for (const kind of ["add", "update", "retract"] as const) {
          const load = (s: number, offset: number) =>
            runLoad({
              url: app.url,
              connections: ADMINS,
              seconds: s,
              headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
              body: (n) => bodies[kind](offset + n),
            });
          const warm = await load(1, 0);
          if (kind === "retract") nextToRetract += warm.requests + ADMINS;
          const before = await versions(change[kind]);
          await app.call("reset");
          const cpu0 = await app.call<NodeJS.CpuUsage>("cpu");
          const result = await load(seconds, kind === "retract" ? 0 : PER_ROUND / 2);
          const cpu1 = await app.call<NodeJS.CpuUsage>("cpu");
          const { statements } = await app.stats();
          if (kind === "retract") nextToRetract += result.requests + ADMINS;
          const written = (await versions(change[kind])) - before;
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
            `corrections · ${kind} · round ${r + 1}: ${Math.round(written / seconds)}/s, p99 ${result.p99} ms, ${statements} SQL`,
          );
        }
        return true;
      });
      if (!done) return [skipped(scenario, "needs issue 17 (updateRelease and retractRelease)")];
      if (nextToRetract >= releases / 2) break;
    }
  } finally {
    await sql.close();
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
