// The only reader of process.env: every setting typed, defaulted and validated in one place.
import { availableParallelism } from "node:os";
import { z } from "zod";

const boolFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  /** Embedded database only: flush each commit to the disk before answering (docs/durability.md). */
  PGLITE_FSYNC: boolFromEnv.default(false),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** The admin token the CLIs send with --url (npm run token / import through a running service). */
  EXCHANGE_GRAPH_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.string().default("development"),
  GRAPHIQL: boolFromEnv.optional(),
  /** Load the built-in reference facts when the database is empty (default on). */
  SEED: boolFromEnv.default(true),
  /** Unset: defaultPoolMax(). */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).optional(),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Distinct statements prepared per process on PostgreSQL; 0 turns preparing off (PgBouncer in
   * transaction mode before 1.21 cannot keep prepared statements). */
  DB_PREPARED_STATEMENTS: z.coerce.number().int().min(0).max(10_000).default(200),
  /** Browser origins allowed for CORS and WebSocket upgrades (comma-separated); unset: any. */
  ALLOWED_ORIGINS: z.string().optional(),
  /** On SIGTERM, keep serving (with /ready at 503) this long before closing, for load balancers. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(5_000).default(0),
  /** graphql-ws: every socket is pinged this often, and dropped when it did not answer the last ping. */
  WS_KEEPALIVE_MS: z.coerce.number().int().min(100).max(600_000).default(12_000),
  /** Events a subscriber may fall behind before its subscription is closed. */
  SUBSCRIPTION_QUEUE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Safety poll of the feed while anyone is subscribed, beside LISTEN/NOTIFY. */
  FEED_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Searches at the database at once; the default leaves most of the pool to other requests. */
  SEARCH_CONCURRENCY: z.coerce.number().int().min(1).max(200).optional(),
  /** Public answers kept by the response cache (least recently used go first); 0 turns it off. */
  RESPONSE_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  /** Heap the response cache's answers may hold in all; one answer at most a tenth of it. */
  RESPONSE_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(10_240)
    .max(2 ** 40)
    .default(64 * 1024 * 1024),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  pgliteFsync: boolean;
  adminToken: string | undefined;
  clientToken: string | undefined;
  logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  graphiql: boolean;
  seed: boolean;
  dbPoolMax: number;
  dbStatementTimeoutMs: number;
  dbPreparedStatements: number;
  wsKeepaliveMs: number;
  allowedOrigins: string[] | undefined;
  shutdownDelayMs: number;
  subscriptionQueueLimit: number;
  feedPollMs: number;
  /** Undefined: 1 on PGlite (one query at a time anyway), a quarter of the pool on PostgreSQL. */
  searchConcurrency: number | undefined;
  responseCacheSize: number;
  responseCacheMaxBytes: number;
};

/**
 * PostgreSQL connections per process when DB_POOL_MAX is unset: PostgreSQL's rule of thumb for a
 * pool, two per core and one more, at most 10 (what postgres.js and pg default to). More
 * connections than the cores can serve do not answer more requests: each backend wakes for its own
 * queries, where fewer connections carry several queries per write and per read on each side.
 * The cores counted are this machine's, which are the database's when it runs beside the service.
 */
export function defaultPoolMax(cores = availableParallelism()): number {
  return Math.min(10, 2 * cores + 1);
}

/** How many PostgreSQL searches run at once when SEARCH_CONCURRENCY is unset: a quarter of the
 * pool, at least one. */
export function defaultSearchSlots(poolMax: number): number {
  return Math.max(1, Math.floor(poolMax / 4));
}

/** How a PostgreSQL pool of `poolMax` connections is shared out (src/db/client.ts says why). */
export type PoolLanes = { reads: number; writes: number; searches: number };

/**
 * The pool in three lanes, each its own set of connections: searches (as many as may run at once,
 * keeping one each for the other lanes), write transactions (half of what is left), and every
 * other read (the rest). Below three connections there is one lane, shared as before: `null`.
 */
export function poolLanes(poolMax: number, searchSlots = defaultSearchSlots(poolMax)): PoolLanes | null {
  if (poolMax < 3) return null;
  const searches = Math.min(searchSlots, poolMax - 2);
  const writes = Math.max(1, Math.floor((poolMax - searches) / 2));
  return { reads: poolMax - searches - writes, writes, searches };
}

/** Reads and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    pgliteFsync: e.PGLITE_FSYNC,
    adminToken: e.ADMIN_TOKEN,
    clientToken: e.EXCHANGE_GRAPH_TOKEN,
    logLevel: e.LOG_LEVEL,
    graphiql: e.GRAPHIQL ?? e.NODE_ENV !== "production",
    seed: e.SEED,
    dbPoolMax: e.DB_POOL_MAX ?? defaultPoolMax(),
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    dbPreparedStatements: e.DB_PREPARED_STATEMENTS,
    wsKeepaliveMs: e.WS_KEEPALIVE_MS,
    allowedOrigins: e.ALLOWED_ORIGINS?.split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    subscriptionQueueLimit: e.SUBSCRIPTION_QUEUE_LIMIT,
    feedPollMs: e.FEED_POLL_MS,
    searchConcurrency: e.SEARCH_CONCURRENCY,
    responseCacheSize: e.RESPONSE_CACHE_SIZE,
    responseCacheMaxBytes: e.RESPONSE_CACHE_MAX_BYTES,
  };
}
