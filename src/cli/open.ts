// How the CLIs open the database: as the service does, taking the embedded data folder's lock;
// refused (exit 2, saying what to do instead) while another process holds it.
import type { Config } from "../config.js";
import { type Database, databaseOptions, openDatabase } from "../db/client.js";
import { DataDirLockedError, LOCKED_EXIT_CODE } from "../db/lock.js";
import { migrate } from "../db/migrate.js";
import { CliExit } from "./io.js";

/** At most DB_POOL_MAX connections (or its default), and at most `poolMax` when a CLI needs fewer. */
export async function openForCli(config: Config, poolMax?: number): Promise<Database> {
  let database: Database;
  try {
    database = await openDatabase({
      ...databaseOptions(config),
      poolMax: Math.min(poolMax ?? config.dbPoolMax, config.dbPoolMax),
    });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    throw new CliExit(LOCKED_EXIT_CODE, error.message);
  }
  await migrate(database);
  return database;
}
