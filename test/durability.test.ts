// PGLITE_FSYNC=true makes each embedded commit durable before it is acknowledged: PostgreSQL
// runs with fsync on, and the commits reach the disk through fsync(2) (counted with strace where
// it is installed). The default, as docs/durability.md says, flushes nothing.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { databaseOptions, openDatabase } from "../src/db/client.js";
import { rowsOf } from "../src/db/rows.js";
import { onPostgres } from "./support/database.js";

const root = new URL("..", import.meta.url).pathname;
const hasStrace = spawnSync("strace", ["-V"]).status === 0;
const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), "eg-fsync-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Twenty committed inserts in a child process under strace: how many fsync(2) calls it made. */
async function fsyncsOf20Commits(fsync: boolean): Promise<number> {
  const dir = fresh();
  const script = `
    import { openDatabase } from "./src/db/client.ts";
    const database = await openDatabase({ dataDir: ${JSON.stringify(dir)}, fsync: ${fsync} });
    const client = database.db.$client;
    await client.query("create table t (v int)");
    await client.query("checkpoint");
    console.log("START");
    for (let i = 0; i < 20; i++) await client.query("insert into t values ($1)", [i]);
    await database.close();`;
  const trace = join(dir, "..", `${dir.split("/").pop()}.trace`);
  dirs.push(trace);
  await promisify(execFile)(
    "strace",
    [
      "-f",
      "-e",
      "trace=fsync,fdatasync,write",
      "-o",
      trace,
      process.execPath,
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      script,
    ],
    { cwd: root, timeout: 120_000 },
  );
  // Only what happened after the table was made and checkpointed: the twenty commits and the close.
  const lines = readFileSync(trace, "utf8").split("\n");
  const start = lines.findIndex((line) => line.includes('"START\\n"'));
  return lines.slice(start).filter((line) => /\bf(data)?sync\(/.test(line)).length;
}

describe.skipIf(onPostgres)("PGLITE_FSYNC", { timeout: 300_000 }, () => {
  it("runs the embedded PostgreSQL with fsync on, and keeps what it wrote", async () => {
    const dataDir = fresh();
    const config = loadConfig({ DATA_DIR: dataDir, PGLITE_FSYNC: "true" });
    const durable = await openDatabase(databaseOptions(config));
    const setting = async (name: string) =>
      rowsOf<Record<string, string>>(await durable.db.execute(sql.raw(`show ${name}`)))[0]?.[name];
    expect(await setting("fsync")).toBe("on");
    expect(await setting("wal_sync_method")).toBe("fsync");
    await durable.db.execute(sql`create table kept (v int)`);
    await durable.db.execute(sql`insert into kept values (42)`);
    await durable.close();

    const plain = await openDatabase({ dataDir });
    expect(rowsOf(await plain.db.execute(sql`select v from kept`))).toEqual([{ v: 42 }]);
    expect(rowsOf(await plain.db.execute(sql`show fsync`))).toEqual([{ fsync: "off" }]);
    await plain.close();
  });

  it.skipIf(!hasStrace)("flushes each commit with fsync(2); the default flushes nothing", async () => {
    const [durable, plain] = [await fsyncsOf20Commits(true), await fsyncsOf20Commits(false)];
    expect(durable).toBeGreaterThanOrEqual(20);
    expect(plain).toBe(0);
  });
});
