// Running the npm CLIs (token, import) against a database the test can open too: the test's own
// PostgreSQL database when DATABASE_URL is set, else a PGlite folder on disk (memory:// cannot be
// shared with a child). In this process (runInProcess), or as `npm run` does, in a child
// (runCli, runNpm) where the process boundary is what a test is about: real exit codes, stdout.
// PGlite serves one process at a time, so a test opens the database only between CLI runs.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { buildApp } from "../../src/app.js";
import { runImportCli } from "../../src/cli/import.js";
import type { Cli } from "../../src/cli/io.js";
import { runTokenCli } from "../../src/cli/token.js";
import { loadConfig } from "../../src/config.js";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase } from "./database.js";
import { TEST_ADMIN_TOKEN } from "./server.js";

const root = new URL("../..", import.meta.url).pathname;

export type CliResult = { code: number; stdout: string; stderr: string };

export type CliDatabase = {
  /** Environment that points a child process at this database. */
  env: Record<string, string>;
  /** Opens (and migrates) the database in this process; close it before the next CLI run on PGlite. */
  open(): Promise<Database>;
  drop(): Promise<void>;
};

export async function cliDatabase(): Promise<CliDatabase> {
  if (process.env.DATABASE_URL) {
    const testDb = await createTestDatabase();
    await testDb.database.close();
    const url = testDb.url as string;
    return {
      env: { DATABASE_URL: url },
      open: async () => {
        const database = await openDatabase({ databaseUrl: url, poolMax: 3 });
        await migrate(database);
        return database;
      },
      drop: () => testDb.drop().catch(() => {}),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "eg-cli-"));
  return {
    env: { DATA_DIR: dir },
    open: async () => {
      const database = await openDatabase({ dataDir: dir });
      await migrate(database);
      return database;
    },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const CLIS: Record<"token" | "import", Cli> = { token: runTokenCli, import: runImportCli };

/** A stream that keeps what is written to it, as the text a child would have printed. */
function capture(): { stream: Writable; text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** The CLI in this process, given only `env` (nothing of the test's own environment). */
export async function runInProcess(
  cli: keyof typeof CLIS,
  args: string[],
  env: Record<string, string>,
): Promise<CliResult> {
  const [stdout, stderr] = [capture(), capture()];
  const code = await CLIS[cli](args, {
    env: { LOG_LEVEL: "silent", ...env },
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The environment of a child CLI: the test's, without its database or admin token, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DATA_DIR: _dir, ADMIN_TOKEN: _token, ...inherited } = process.env;
  return { ...inherited, LOG_LEVEL: "silent", ...env };
}

function runChild(file: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, env: childEnv(env), timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `tsx src/cli/<script>.ts args…` in a child with the database's environment and no TTY. */
export function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return runChild(join(root, "node_modules/.bin/tsx"), [join(root, `src/cli/${script}.ts`), ...args], env);
}

/** Runs `npm run -s <script> -- args…` in a child, as a user would. */
export function runNpm(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return runChild("npm", ["run", "-s", script, "--", ...args], env);
}

export type CliServer = {
  gql(query: string, variables?: Record<string, unknown>, authorization?: string): Promise<Record<string, any>>;
  close(): Promise<void>;
};

/** The real app over an opened database, on a free port. */
export async function serve(database: Database): Promise<CliServer> {
  const config = loadConfig({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: "silent" });
  const app = buildApp({ config, database, log: createLogger(config.logLevel) });
  const port = await app.start(0, "127.0.0.1");
  return {
    async gql(query, variables = {}, authorization) {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
      return (await response.json()) as Record<string, any>;
    },
    async close() {
      await app.stop();
      await database.close();
    },
  };
}
