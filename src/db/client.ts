// One database interface for both engines: postgres.js against a PostgreSQL server when
// DATABASE_URL is set, PGlite (embedded PostgreSQL in DATA_DIR) otherwise.
import { mkdirSync } from "node:fs";
import { PGlite, type QueryOptions, types } from "@electric-sql/pglite";
import { fuzzystrmatch } from "@electric-sql/pglite/contrib/fuzzystrmatch";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import type { Logger as DrizzleLogger } from "drizzle-orm";
import type { PgAsyncDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type Config, defaultPoolMax, defaultSearchSlots, poolLanes } from "../config.js";
import { durableOptions } from "./durable-fs.js";
import { type DataDirLock, lockDataDir } from "./lock.js";
import { preparer, preparing } from "./prepared.js";
import { relations } from "./relations.js";

export type Db = PgAsyncDatabase<PgQueryResultHKT, typeof relations>;

/**
 * A notification channel listener; returns a function that stops listening. `onListen` runs each
 * time LISTEN takes effect, including after postgres.js re-connects, since NOTIFYs sent while the
 * connection was down are lost.
 */
export type Listen = (
  channel: string,
  onNotify: (payload: string) => void,
  onListen?: () => void,
) => Promise<() => Promise<void>>;

export type Database = {
  /** Every query and transaction but searches. */
  db: Db;
  /** Where searches run (src/graphql/search.ts): on PostgreSQL, connections of their own. */
  searchDb: Db;
  kind: "postgres" | "pglite";
  /** Subscribes to NOTIFY on a channel over a dedicated connection. */
  listen: Listen;
  /** Cheap liveness probe of the database. */
  ping(): Promise<void>;
  /** Tells processes refused the embedded data folder where this one serves its data instead. */
  advertise(url: string): void;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** PGlite only: each commit reaches the disk before it is acknowledged (docs/durability.md). */
  fsync?: boolean;
  poolMax?: number;
  /** PostgreSQL searches at once (SEARCH_CONCURRENCY); the search lane's size. */
  searchSlots?: number;
  statementTimeoutMs?: number;
  /** Distinct statements prepared per process (PostgreSQL only); 0: none. Default 200. */
  preparedStatements?: number;
  /** Called with every SQL statement: the tests count statements with it. */
  onQuery?: (sql: string, params: unknown[]) => void;
  /**
   * PGlite only: start from a dump of another PGlite's data directory (its `dumpDataDir()`)
   * instead of a new cluster. The tests start each file's database from one migrated dump.
   */
  loadDataDir?: Blob;
};

const DEFAULT_PREPARED_STATEMENTS = 200;

/** The service's database settings from its configuration. */
export function databaseOptions(config: Config): DatabaseOptions {
  return {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    fsync: config.pgliteFsync,
    poolMax: config.dbPoolMax,
    searchSlots: config.searchConcurrency,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    preparedStatements: config.dbPreparedStatements,
  };
}

/**
 * The types drizzle's PGlite session reads as text (it maps them itself): timestamps, dates,
 * intervals and their arrays, the same list it passes with every query.
 */
const AS_TEXT: Record<number, (value: string) => string> = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((oid) => [
    oid,
    (value: string) => value,
  ]),
);

/**
 * drizzle passes its parsers with every query, and PGlite then copies its whole parser table
 * into a new object for that query, on every read. The client is created
 * with the same parsers (AS_TEXT), so outside transactions drizzle's query goes without them and
 * returns the same values. Transactions (writes) keep drizzle's own path.
 */
function withoutQueryParsers(client: PGlite): PGlite {
  const query = (sql: string, params?: unknown[], options?: QueryOptions) =>
    client.query(sql, params, options?.rowMode ? { rowMode: options.rowMode } : undefined);
  // Everything but query is the client's own (db.$client stays a whole PGlite).
  return new Proxy(client, {
    get(target, property) {
      if (property === "query") return query;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** How PostgreSQL plans a prepared statement's runs: once (see the connection options below). */
export const PLAN_CACHE_MODE = "force_generic_plan";

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger: DrizzleLogger | undefined = options.onQuery
    ? { logQuery: (query, params) => options.onQuery?.(query, params) }
    : undefined;
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    const timeout = options.statementTimeoutMs ?? 10_000;
    const connect = (max: number) =>
      postgres(url, {
        max,
        onnotice: () => {},
        connect_timeout: 5,
        idle_timeout: 60,
        // Reconnect delay after failures, in seconds. postgres.js's default grows to 20 s, so the
        // service would stay down that long after a long outage ended; 1 s at most is enough
        // since operations are refused without touching the pool while it is down.
        backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1),
        connection: {
          application_name: "exchange-graph",
          // Dates and timestamps are read as text and passed on (the Date and DateTime scalars
          // expect ISO), whatever the server's or the role's default DateStyle.
          datestyle: "ISO, MDY",
          statement_timeout: timeout,
          // A prepared statement (src/db/prepared.ts) is planned once per connection. Left to
          // itself, PostgreSQL compares the generic plan of a `limit $1` statement, costed for
          // an unknown limit, with the custom plans of the first five runs, finds it dearer and
          // plans every run again: every list and nested read paid for planning on every request.
          plan_cache_mode: PLAN_CACHE_MODE,
          idle_in_transaction_session_timeout: Math.max(timeout * 3, 30_000),
        },
      });
    const max = options.preparedStatements ?? DEFAULT_PREPARED_STATEMENTS;
    const shouldPrepare = max > 0 ? preparer({ max }) : undefined;
    const open = (client: postgres.Sql) =>
      drizzlePostgres({
        client: shouldPrepare ? preparing(client, shouldPrepare) : client,
        relations,
        logger,
      }) as unknown as Db;
    // The pool in lanes (config.ts: poolLanes). postgres.js sends a query to an idle connection
    // if there is one and otherwise queues it behind another's on a busy one, where it waits for
    // whatever runs ahead of it. Few connections are what makes reads cheap (several queries per
    // socket write and per wake-up of each side), but a shared few would let a search that takes
    // the whole statement timeout, or a write transaction holding its connection between
    // statements, hold up the reads queued behind it. In lanes, reads only ever wait for reads.
    const poolMax = options.poolMax ?? defaultPoolMax();
    const lanes = poolLanes(poolMax, options.searchSlots ?? defaultSearchSlots(poolMax));
    const clients = lanes ? [connect(lanes.reads), connect(lanes.writes), connect(lanes.searches)] : [connect(poolMax)];
    const [client, writeClient = client, searchClient = client] = clients as [postgres.Sql, ...postgres.Sql[]];
    const db = open(client);
    if (writeClient !== client) {
      // Every write runs in a transaction: those, and only those, take the write lane.
      const writes = open(writeClient);
      db.transaction = writes.transaction.bind(writes);
    }
    return {
      db,
      searchDb: searchClient === client ? db : open(searchClient),
      kind: "postgres",
      listen: async (channel, onNotify, onListen) => {
        const sub = await client.listen(channel, onNotify, onListen);
        return () => sub.unlisten();
      },
      ping: async () => {
        await client`select 1`;
      },
      advertise: () => {},
      close: async () => {
        await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
      },
    };
  }
  const dataDir = options.dataDir ?? "./data";
  let lock: DataDirLock | undefined;
  if (dataDir !== "memory://") {
    mkdirSync(dataDir, { recursive: true });
    // Before PGlite reads a byte: a second process must not even replay the WAL.
    lock = lockDataDir(dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create({
      dataDir,
      extensions: { pg_trgm, unaccent, fuzzystrmatch },
      parsers: AS_TEXT,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      ...(options.fsync && lock ? durableOptions(dataDir) : {}),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite({ client: withoutQueryParsers(client), relations, logger }) as unknown as Db;
  return {
    db,
    searchDb: db,
    kind: "pglite",
    listen: async (channel, onNotify, onListen) => {
      const unlisten = await client.listen(channel, onNotify);
      onListen?.();
      return unlisten;
    },
    ping: async () => {
      await client.query("select 1");
    },
    advertise: (url) => lock?.describe({ url }),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}
