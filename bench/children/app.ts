// The server under test: the real app (buildApp) over the bench database, with the Database
// onQuery hook counting SQL statements. The parent reads the counts over IPC, so the app
// itself carries no bench-only endpoint.
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { databaseOptions, openDatabase } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { serveCommands, settledMemory } from "../ipc.js";

type Captured = { sql: string; params: unknown[] };

let statements = 0;
let feedReads = 0;
let captured: Captured[] = [];

/** A read of the feed log; the append (an insert under feed_head's lock) is not a read. */
function isFeedRead(sql: string): boolean {
  const lower = sql.toLowerCase();
  return /\bfeed_event\b/.test(lower) && !/insert\s+into\s+"?feed_event"?/.test(lower);
}

const config = loadConfig({ ...process.env, LOG_LEVEL: "silent", SEED: "false", PORT: "0" });
const database = await openDatabase({
  ...databaseOptions(config),
  onQuery: (sql, params) => {
    statements++;
    if (isFeedRead(sql)) feedReads++;
    if (captured.length < 200) captured.push({ sql, params });
  },
});
const app = buildApp({ config, database, log: createLogger(config.logLevel) });

// The relational query the nested read hands drizzle, for the drizzle-alone ceiling
// (children/bare-drizzle.ts).
const exchangeEvents = database.db.query.exchangeEvent;
const findFirst = exchangeEvents.findFirst;
let capturedQuery: unknown;
exchangeEvents.findFirst = ((query) => {
  capturedQuery = query;
  return findFirst.call(exchangeEvents, query);
}) as typeof findFirst;
const port = await app.start(0, "127.0.0.1");

serveCommands(
  { port },
  {
    reset: () => {
      statements = 0;
      feedReads = 0;
      captured = [];
      return null;
    },
    stats: () => ({ statements, feedReads, ...settledMemory() }),
    // Without the full collections of `stats`: their lazy sweeping would spill into the next
    // measured event.
    counts: () => ({ statements, feedReads }),
    capture: () => captured,
    capturedQuery: () => capturedQuery ?? null,
  },
  async () => {
    await app.stop();
    await database.close();
  },
);
