// What every start does before serving: open the database (taking the embedded data folder's
// lock), apply migrations, load the reference facts if they are missing, and say so in the log.
import type { Config } from "./config.js";
import { type Database, databaseOptions, openDatabase } from "./db/client.js";
import { migrate } from "./db/migrate.js";
import { seedIfNeeded } from "./facts/seed.js";
import type { Logger } from "./logger.js";

export async function openServiceDatabase(config: Config, log: Logger): Promise<Database> {
  const database = await openDatabase(databaseOptions(config));
  try {
    await migrate(database);
    if (config.seed) await seedReferenceFacts(database, log);
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  return database;
}

async function seedReferenceFacts(database: Database, log: Logger): Promise<void> {
  log.info("checking the built-in reference facts (loaded in one transaction: all or none)");
  // Progress at debug level: a load that stops halfway shows how far it got. PGlite answers
  // without real I/O, so the load would run on microtasks alone and hold back the log's writes
  // (and signals) until it ends: let the event loop turn now and then.
  const outcome = await seedIfNeeded(database.db, async (done, total) => {
    if (done % 25 !== 0 && done !== total) return;
    log.debug({ done, total }, "loading the built-in reference facts");
    await new Promise((resolve) => setImmediate(resolve));
  });
  if (outcome.status === "loaded") {
    log.info({ summary: outcome.summary }, "loaded the built-in reference facts");
  } else if (outcome.status === "completed") {
    log.warn(
      { found: outcome.found, summary: outcome.summary },
      "the built-in reference facts were incomplete (an earlier load stopped halfway); completed them",
    );
  } else {
    log.debug({ reason: outcome.reason }, "the built-in reference facts need no loading");
  }
}
