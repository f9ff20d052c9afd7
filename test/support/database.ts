// A fresh database per test file: a new PostgreSQL database on the server named by
// DATABASE_URL when it is set (as in CI), otherwise an in-memory PGlite.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { seed } from "../../src/facts/seed.js";
import { TEMPLATES_ENV } from "../global-setup.js";

export type TestDatabase = {
  database: Database;
  /** The URL of the test database (PostgreSQL only), for a second process to share it. */
  url: string | undefined;
  /** SQL statements run since the last reset. */
  statements: string[];
  drop(): Promise<void>;
};

export const onPostgres = Boolean(process.env.DATABASE_URL);

export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const statements: string[] = [];
  const onQuery = (sql: string) => {
    statements.push(sql);
  };
  const base = process.env.DATABASE_URL;
  let url: string | undefined;
  let dropDatabase = async () => {};
  if (base) {
    const name = `eg_test_${randomBytes(6).toString("hex")}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const parsed = new URL(base);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    dropDatabase = async () => {
      const again = postgres(base, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    };
  }
  // On PGlite, from the dump test/global-setup.ts made (migrated, and seeded if asked for).
  const templates = base ? undefined : process.env[TEMPLATES_ENV];
  const template = templates && join(templates, options.seed ? "seeded.tar" : "migrated.tar");
  const database = await openDatabase({
    databaseUrl: url,
    dataDir: "memory://",
    onQuery,
    poolMax: 5,
    ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
  });
  // Applies nothing on a dump that is current.
  await migrate(database);
  if (options.seed && !template) await seed(database.db);
  statements.length = 0;
  return {
    database,
    url,
    statements,
    async drop() {
      await database.close();
      await dropDatabase();
    },
  };
}
