// A raw SQL handle for the bench's own work (bulk loading, the floors): postgres.js against a
// PostgreSQL server, or PGlite on a data directory. Not the app's Database: the floors must not
// pay for drizzle.
import { PGlite } from "@electric-sql/pglite";
import { fuzzystrmatch } from "@electric-sql/pglite/contrib/fuzzystrmatch";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import postgres from "postgres";
import { PLAN_CACHE_MODE } from "../src/db/client.js";

export type Row = Record<string, unknown>;

export type RawSql = {
  query(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction, on one connection. */
  transaction<T>(work: (query: RawSql["query"]) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/** Where the bench's database lives: a PostgreSQL URL, or a PGlite data directory. */
export type Target = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

export async function openRawSql(target: Target, poolMax = 10): Promise<RawSql> {
  if (target.kind === "postgres") {
    // Prepared and planned once, as our server prepares its hot statements (src/db/prepared.ts)
    // and plans them: the floor is the best the same SQL can do.
    const client = postgres(target.url, {
      max: poolMax,
      onnotice: () => {},
      connection: { plan_cache_mode: PLAN_CACHE_MODE },
    });
    const prepare = { prepare: true };
    return {
      query: (text, params = []) => client.unsafe(text, params as never[], prepare) as unknown as Promise<Row[]>,
      transaction: (work) =>
        client.begin((tx) =>
          work((text, params = []) => tx.unsafe(text, params as never[], prepare) as unknown as Promise<Row[]>),
        ) as Promise<never>,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const pg = await PGlite.create({ dataDir: target.dataDir, extensions: { pg_trgm, unaccent, fuzzystrmatch } });
  return {
    query: async (text, params = []) => (await pg.query<Row>(text, params)).rows,
    transaction: (work) =>
      pg.transaction((tx) => work(async (text, params = []) => (await tx.query<Row>(text, params)).rows)),
    close: () => pg.close(),
  };
}

/** The environment that points the app (src/config.ts) at the target. */
export function targetEnv(target: Target): Record<string, string> {
  return target.kind === "postgres" ? { DATABASE_URL: target.url } : { DATA_DIR: target.dataDir };
}
