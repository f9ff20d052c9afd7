// One process per embedded data folder: while the service holds it, a second `npm start` and the
// CLIs are refused (exit 2, naming the holder and what to do instead) before they touch it, and
// every write the service acknowledged is still there afterwards. A dead holder's lock is taken
// over. PostgreSQL has a server to arbitrate, so none of this applies there.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { DataDirLockedError, LOCK_FILE, lockDataDir } from "../src/db/lock.js";
import { rowsOf } from "../src/db/rows.js";
import { MUTATIONS } from "./support/admin.js";
import { runCli } from "./support/cli.js";
import { onPostgres } from "./support/database.js";
import { TEST_ADMIN_TOKEN } from "./support/server.js";
import { type Service, spawnService } from "./support/service.js";

const root = new URL("..", import.meta.url).pathname;

/** `npm start` on the folder, expected to give up: its exit code and everything it printed. */
function startRefused(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, PORT: "0", SEED: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe.skipIf(onPostgres)("one process per embedded data folder", { timeout: 300_000 }, () => {
  let dir: string;
  let service: Service | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "eg-lock-"));
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const addSource = async (title: string) => {
    const response = await fetch(service?.url as string, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: MUTATIONS.addSource, variables: { input: { publisher: "Lock Wire", title } } }),
    });
    const body = (await response.json()) as { data?: { result?: { __typename?: string } } };
    expect(body.data?.result?.__typename, title).toBe("Source");
  };

  it("refuses a second service and the CLIs while the service runs, and loses no write", async () => {
    service = await spawnService({ DATA_DIR: dir, ADMIN_TOKEN: TEST_ADMIN_TOKEN }, 120_000);
    const pid = service.child.pid as number;
    for (let i = 0; i < 5; i++) await addSource(`before ${i}`);

    // Writes keep coming while the others try their luck.
    let writing = true;
    let written = 5;
    const writer = (async () => {
      while (writing) await addSource(`during ${written++}`);
    })();
    const [second, token] = await Promise.all([
      startRefused(dir),
      runCli("token", ["revoke", "someone"], { DATA_DIR: dir }),
    ]);
    writing = false;
    await writer;

    expect(second.code).toBe(2);
    expect(second.output).toContain(`in use by process ${pid}`);
    expect(second.output).toContain(service.url);
    expect(token.code).toBe(2);
    expect(token.stdout).toBe("");
    expect(token.stderr).toContain(`in use by process ${pid}`);
    expect(token.stderr).toContain(`npm run token -- create NAME --url ${service.url}`);
    expect(token.stderr).toContain(`npm run import -- FILE --url ${service.url}`);

    // The jobs they came for, done through the service instead.
    const viaService = { EXCHANGE_GRAPH_TOKEN: TEST_ADMIN_TOKEN };
    const facts = join(dir, "..", `eg-lock-facts-${process.pid}.json`);
    writeFileSync(facts, JSON.stringify({ sources: [{ publisher: "Lock Wire", title: "imported" }] }));
    const [created, imported] = await Promise.all([
      runCli("token", ["create", "lock-bot", "--url", service.url], viaService),
      runCli("import", [facts, "--url", service.url], viaService),
    ]);
    rmSync(facts, { force: true });
    expect(created.code, created.stderr).toBe(0);
    expect(imported.code, imported.stderr).toBe(0);
    const revoked = await runCli("token", ["revoke", "lock-bot", "--url", service.url], viaService);
    expect(revoked.code, revoked.stderr).toBe(0);

    expect(await service.stop()).toBe(0);
    service = undefined;
    const database = await openDatabase({ dataDir: dir });
    try {
      const [row] = rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from source where publisher = 'Lock Wire'`),
      );
      expect(row?.n).toBe(written + 1);
      const keys = rowsOf<{ name: string; revoked: boolean }>(
        await database.db.execute(sql`select name, revoked_at is not null as revoked from api_key`),
      );
      expect(keys).toEqual([{ name: "lock-bot", revoked: true }]);
    } finally {
      await database.close();
    }
  });

  it("takes over the lock of a process that was killed", async () => {
    service = await spawnService({ DATA_DIR: dir }, 120_000);
    service.child.kill("SIGKILL");
    await new Promise((resolve) => service?.child.once("exit", resolve));
    service = undefined;
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBeGreaterThan(0);
    const database = await openDatabase({ dataDir: dir });
    await database.close();
  });

  it("refuses a second opener in the same process, and lets go on close", async () => {
    const first = await openDatabase({ dataDir: dir });
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(DataDirLockedError);
    await first.close();
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  });

  it("takes over a lock that names a dead process or cannot be read", () => {
    const lockDir = mkdtempSync(join(tmpdir(), "eg-lockfile-"));
    try {
      // Pids are below 2^22 on Linux: this one belongs to no process.
      writeFileSync(join(lockDir, LOCK_FILE), JSON.stringify({ pid: 4_194_999, host: hostname(), started: null }));
      lockDataDir(lockDir).release();
      writeFileSync(join(lockDir, LOCK_FILE), "");
      const lock = lockDataDir(lockDir);
      expect(JSON.parse(readFileSync(join(lockDir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
      lock.release();
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  });
});
