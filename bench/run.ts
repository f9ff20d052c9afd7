// `npm run bench`: a fresh database with a generated data set, then each scenario against its
// floor measured in the same run. Prints a table and writes bench/results.json.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import postgres from "postgres";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { createBench, type Scenario as Run } from "./context.js";
import { corrections } from "./corrections.js";
import { generate, load, sizesFor } from "./dataset.js";
import { fanout, fanoutChanged } from "./fanout.js";
import { parseOptions, type Scenario } from "./options.js";
import { listPage, nestedRead, transport } from "./read.js";
import { cachedRead } from "./read-cached.js";
import { type ResultRow, skipped, table } from "./report.js";
import { hostileSearch } from "./search.js";
import { openRawSql, type Target } from "./sql.js";
import { startup } from "./startup.js";
import { writes } from "./writes.js";

const SCENARIOS: Record<Scenario, Run> = {
  read: nestedRead,
  cached: cachedRead,
  list: listPage,
  transport,
  startup,
  writes,
  fanout,
  "fanout-changed": fanoutChanged,
  search: hostileSearch,
  // Last: it retracts releases of the data set that the reads above use.
  corrections,
};

const options = parseOptions(process.argv.slice(2));
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);

/** The commit measured (with "+dirty" when the work tree has changes), if git is there. */
function commitOf(): string | undefined {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return undefined;
  }
}

/** A fresh database: a new one on the DATABASE_URL server, or PGlite in a temporary folder. */
async function freshTarget(): Promise<{ target: Target; dispose(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `eg_bench_${randomBytes(4).toString("hex")}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      target: { kind: "postgres", url: url.toString() },
      async dispose() {
        const again = postgres(base, { max: 1, onnotice: () => {} });
        await again.unsafe(`drop database if exists ${name} with (force)`);
        await again.end();
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), "eg-bench-"));
  return {
    target: { kind: "pglite", dataDir },
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const { target, dispose } = await freshTarget();
// Interrupted: the children exit with their IPC channel; the database goes too, unless --keep.
process.once("SIGINT", () => {
  log("interrupted");
  void (options.keep ? Promise.resolve() : dispose()).finally(() => process.exit(130));
});
let failed = 0;
log(`database: ${target.kind === "postgres" ? target.url.replace(/\/\/[^@]*@/, "//") : `PGlite in ${target.dataDir}`}`);
const rows: ResultRow[] = [];
try {
  const database = await openDatabase(
    target.kind === "postgres" ? { databaseUrl: target.url } : { dataDir: target.dataDir },
  );
  await migrate(database);
  await database.close();
  const dataset = generate(sizesFor(options.scale));
  const sql = await openRawSql(target);
  const total = await load(sql, dataset, (name, count) => log(`loaded ${count.toLocaleString("en-US")} ${name}`));
  await sql.close();
  log(`data set: ${total.toLocaleString("en-US")} rows (${JSON.stringify(dataset.sizes)})`);

  const bench = createBench(options, target, dataset, started);
  for (const name of options.only) {
    log(`— ${name}`);
    try {
      rows.push(...(await SCENARIOS[name](bench)));
    } catch (error) {
      failed++;
      log(`${name} failed: ${error instanceof Error ? error.stack : error}`);
      rows.push(skipped(name, `failed: ${error instanceof Error ? error.message.split("\n")[0] : error}`));
    }
  }

  const results = {
    at: new Date().toISOString(),
    commit: commitOf(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    database: target.kind,
    options,
    sizes: dataset.sizes,
    seconds: Math.round((performance.now() - started) / 1000),
    rows,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${table(rows)}\n`);
  // Our children read DB_POOL_MAX from this environment, as the service does.
  const pools =
    target.kind === "postgres" ? `; pools: ours ${loadConfig().dbPoolMax}, PostGraphile ${options.peerPool}` : "";
  console.log(
    `${target.kind}, ${cpus().length} cores, node ${process.version}${pools}; each server warmed up ≥ ${options.warmup} s and ≥ ${options.warmupRequests} requests per round; fan-out clients: ${options.client}; ratio = ours / floor; written to ${options.out}`,
  );
} finally {
  if (options.keep) log(`kept the database: ${JSON.stringify(target)}`);
  else await dispose();
}
const missed = rows.filter((r) => r.pass === false).length;
if (missed > 0) log(`${missed} target(s) missed`);
// A missed target is a finding; a scenario that could not run is a failure of the bench.
if (failed > 0) process.exitCode = 1;
