// The real service on a free port, over a fresh database, for tests that talk to it as a client.
import { Writable } from "node:stream";
import { pino } from "pino";
import { type App, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export type GraphQLResponse<T = Record<string, unknown>> = {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
};

export type TestServer = TestDatabase & {
  app: App;
  port: number;
  url: string;
  wsUrl: string;
  /** What the service logged at info level and above, line by line (with `logs: true`). */
  logs: Record<string, unknown>[];
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
};

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

export type ServerOptions = {
  seed?: boolean;
  env?: Record<string, string>;
  logs?: boolean;
  /** What the app sees of the test database (the test itself keeps the real one). */
  wrap?: (database: Database) => Database;
};

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const testDb = await createTestDatabase({ seed: options.seed ?? true });
  const config = loadConfig({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: "silent", ...options.env });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const log = options.logs ? pino({ level: "info", base: undefined }, sink) : createLogger(config.logLevel);
  const database = options.wrap?.(testDb.database) ?? testDb.database;
  const app = buildApp({ config, database, log });
  const port = await app.start(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    ...testDb,
    app,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    logs,
    async gql(query, variables, headers = {}) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      if (response.status >= 500) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      return (await response.json()) as never;
    },
    async close() {
      await app.stop();
      await testDb.drop();
    },
  };
}
