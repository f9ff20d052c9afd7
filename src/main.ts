// config → database (migrated, seeded) → app → listen; SIGTERM/SIGINT → drain and stop.
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import type { Database } from "./db/client.js";
import { DataDirLockedError, LOCKED_EXIT_CODE } from "./db/lock.js";
import { createLogger } from "./logger.js";
import { openServiceDatabase } from "./startup.js";

const config = loadConfig();
const log = createLogger(config.logLevel);
let database: Database;
try {
  database = await openServiceDatabase(config, log);
} catch (error) {
  if (!(error instanceof DataDirLockedError)) throw error;
  log.fatal({ holder: error.holder }, error.message);
  process.exit(LOCKED_EXIT_CODE);
}
const app = buildApp({ config, database, log });
const port = await app.start();
const url = `http://${config.host}:${port}/graphql`;
database.advertise(url);
log.info({ url, database: database.kind }, "exchange-graph is listening");

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
