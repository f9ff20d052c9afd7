// config → database (migrated, seeded) → app → listen; SIGTERM/SIGINT → drain and stop.
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { databaseOptions, openDatabase } from "./db/client.js";
import { migrate } from "./db/migrate.js";
import { seedIfEmpty } from "./facts/seed.js";
import { createLogger } from "./logger.js";

const config = loadConfig();
const log = createLogger(config.logLevel);
const database = await openDatabase(databaseOptions(config));
await migrate(database);
if (config.seed) {
  const summary = await seedIfEmpty(database.db);
  if (summary) log.info({ summary }, "loaded the built-in reference facts");
}
const app = buildApp({ config, database, log });
const port = await app.start();
log.info({ url: `http://${config.host}:${port}/graphql`, database: database.kind }, "exchange-graph is listening");

async function shutdown(signal: string) {
  log.info({ signal }, "shutting down");
  const started = Date.now();
  const timer = setTimeout(() => {
    log.error("shutdown took over 10 s; exiting anyway");
    process.exit(1);
  }, 10_000);
  timer.unref();
  try {
    await app.stop();
    await database.close();
  } catch (error) {
    log.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
  log.info({ ms: Date.now() - started }, "stopped");
  process.exit(0);
}
// The first signal shuts down; another one while that runs changes nothing.
const onSignal = (signal: string) => {
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  // Still listening, so a second signal does not kill the process at once (Node's default).
  process.on("SIGTERM", () => {});
  process.on("SIGINT", () => {});
  void shutdown(signal);
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);
