// The service over one test database that a test can stop and start again on the same port,
// as an operator restarts it, while the database (and writes to it) carry on.
import { type App, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { TEST_ADMIN_TOKEN } from "./server.js";

export type RestartableServer = TestDatabase & {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  running(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the service and drops the database. */
  close(): Promise<void>;
  /** A query or mutation over HTTP, as admin. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
};

export async function restartableServer(options: { seed: boolean }): Promise<RestartableServer> {
  const testDb = await createTestDatabase({ seed: options.seed });
  const config = loadConfig({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: "silent", FEED_POLL_MS: "500" });
  let app: App | undefined;
  const server: RestartableServer = {
    ...testDb,
    port: 0,
    origin: "",
    running: () => app !== undefined,
    async start() {
      app = buildApp({ config, database: testDb.database, log: createLogger(config.logLevel) });
      server.port = await app.start(server.port, "127.0.0.1");
      server.origin = `http://127.0.0.1:${server.port}`;
    },
    async stop() {
      await app?.stop();
      app = undefined;
    },
    async close() {
      await server.stop();
      await testDb.drop();
    },
    async gql(query, variables = {}) {
      const response = await fetch(`${server.origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
      if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors ?? body));
      return body.data as never;
    },
  };
  await server.start();
  return server;
}
