// On PGlite, one migrated database (and one seeded with the reference facts) is made once per
// run and dumped; each test file's database starts from a dump (test/support/database.ts)
// instead of paying PGlite's initdb, the migrations and the seed again: seconds per file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { seed } from "../src/facts/seed.js";

export const TEMPLATES_ENV = "EXCHANGE_GRAPH_TEST_TEMPLATES";

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "eg-test-templates-"));
  const database = await openDatabase({ dataDir: "memory://" });
  const client = (database.db as unknown as { $client: PGlite }).$client;
  await migrate(database);
  writeFileSync(join(dir, "migrated.tar"), Buffer.from(await (await client.dumpDataDir("none")).arrayBuffer()));
  await seed(database.db);
  writeFileSync(join(dir, "seeded.tar"), Buffer.from(await (await client.dumpDataDir("none")).arrayBuffer()));
  await database.close();
  process.env[TEMPLATES_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
