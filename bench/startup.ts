// First answer after start: from spawning the server process to its first correct answer to the
// nested read, ours as `npm start` runs it (the built bundle) against PostGraphile as its CLI
// starts it, alternating, over the same database. PostgreSQL only.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type { Scenario } from "./context.js";
import { percentile } from "./load.js";
import { PEER_NESTED_QUERY, postGraphQL } from "./peer.js";
import { NESTED_QUERY } from "./read.js";
import { row, skipped } from "./report.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const LIMIT_MS = 120_000;
/** PostGraphile's own command (its package's `bin`). */
const PEER_CLI = "node_modules/postgraphile/dist/cli-run.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Milliseconds from spawn to the first answer with data, polling every 10 ms. */
async function firstAnswer(
  command: string[],
  env: Record<string, string>,
  port: number,
  query: string,
  variables: Record<string, unknown>,
): Promise<number> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, command, {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(" ")} exited with ${child.exitCode}`);
      if (performance.now() - started > LIMIT_MS) throw new Error(`${command.join(" ")}: no answer in ${LIMIT_MS} ms`);
      const answer = (await postGraphQL(`http://127.0.0.1:${port}/graphql`, query, variables).catch(() => null)) as {
        data?: { exchangeEvent?: unknown };
      } | null;
      if (answer?.data?.exchangeEvent) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

export const startup: Scenario = async (bench) => {
  const scenario = "first answer after start vs PostGraphile";
  if (bench.target.kind !== "postgres") return [skipped(scenario, "PostgreSQL only")];
  const url = bench.target.url;
  const variables = { slug: bench.dataset.exchangeSlugs[0] };
  // Ours as `npm start` runs it: built first (when stale), then the bundle alone is timed.
  execFileSync(process.execPath, ["src/cli/build.ts", "--if-stale"], { cwd: root, stdio: "inherit" });
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < bench.options.rounds; r++) {
    const port = await freePort();
    const env = { DATABASE_URL: url, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent" };
    ours.push(await firstAnswer(["dist/server/main.js"], env, port, NESTED_QUERY, variables));
    const peerPort = await freePort();
    theirs.push(
      await firstAnswer(
        [
          PEER_CLI,
          "-P",
          "postgraphile/presets/amber",
          "-c",
          url,
          "-s",
          "public",
          "-n",
          "127.0.0.1",
          "-p",
          String(peerPort),
        ],
        {},
        peerPort,
        PEER_NESTED_QUERY,
        variables,
      ),
    );
    bench.log(
      `first answer · round ${r + 1}: ours ${Math.round(ours.at(-1) ?? 0)} ms, PostGraphile ${Math.round(theirs.at(-1) ?? 0)} ms`,
    );
  }
  return [row(scenario, "ms (median)", percentile(ours, 50), percentile(theirs, 50), { kind: "max", ratio: 1.5 })];
};
