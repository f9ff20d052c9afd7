import { fileURLToPath } from "node:url";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { Database } from "./client.js";

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Applies every committed drizzle-kit migration that the database has not seen yet. */
export async function migrate(database: Database): Promise<void> {
  const config = { migrationsFolder };
  if (database.kind === "postgres") {
    await migratePostgres(database.db as Parameters<typeof migratePostgres>[0], config);
  } else {
    await migratePglite(database.db as Parameters<typeof migratePglite>[0], config);
  }
}
