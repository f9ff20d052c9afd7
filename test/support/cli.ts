// Running the npm CLIs (token, import) as child processes against a database the test can open
// too: the test's own PostgreSQL database when DATABASE_URL is set, else a PGlite folder on disk
// (memory:// cannot be shared with a child). PGlite serves one process at a time, so a test
// opens the database only between CLI runs.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/app.js";
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

/** Runs `tsx src/cli/<script>.ts args…` with the database's environment and no TTY. */
export function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const { DATABASE_URL: _url, DATA_DIR: _dir, ADMIN_TOKEN: _token, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      join(root, "node_modules/.bin/tsx"),
      [join(root, `src/cli/${script}.ts`), ...args],
      { cwd: root, env: { ...inherited, LOG_LEVEL: "silent", ...env }, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
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
