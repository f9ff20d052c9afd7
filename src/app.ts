// buildApp(config) → { server, start(port), stop() }: one node:http server carrying Yoga (HTTP,
// SSE, GraphiQL, /health, /ready) and graphql-ws on the same /graphql path.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ExecutionArgs, GraphQLError } from "graphql";

import { useServer } from "graphql-ws/use/ws";
import { createYoga, maskError, useReadinessCheck } from "graphql-yoga";
import { WebSocketServer } from "ws";
import { resolveViewer } from "./auth.js";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import { FeedHub } from "./feed/hub.js";
import type { Context } from "./graphql/context.js";
import { schema } from "./graphql/schema.js";
import type { Logger } from "./logger.js";

/** WebSocket close code 1001: the endpoint is going away. */
const GOING_AWAY = 1001;
/** graphql-ws pings every 12 s and drops a socket that has not answered the previous ping. */
const WS_KEEPALIVE_MS = 12_000;

export type App = {
  server: Server;
  /** The process's feed reader (subscriptions). */
  feed: FeedHub;
  start(port?: number, host?: string): Promise<number>;
  stop(): Promise<void>;
};

export type AppDeps = { config: Config; database: Database; log: Logger };

const CLIENT_CODES = new Set(["BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN"]);

/**
 * Errors about the client's own input are safe to show: Pothos's validation errors and our
 * GraphQLErrors with a client code. Checked by name and code, not instanceof, because a test
 * runner may load a second copy of graphql.
 */
function clientError(error: unknown): GraphQLError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === "PothosValidationError") {
    return new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } });
  }
  const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
  if (error.name === "GraphQLError" && typeof extensions?.code === "string" && CLIENT_CODES.has(extensions.code)) {
    return new GraphQLError(error.message, { extensions });
  }
  return undefined;
}

export function buildApp({ config, database, log }: AppDeps): App {
  const { db } = database;
  let ready = true;
  const feed = new FeedHub(database, log.child({ component: "feed" }), {
    pollMs: config.feedPollMs,
    queueLimit: config.subscriptionQueueLimit,
  });

  const yoga = createYoga<{ connectionParams?: Record<string, unknown> }, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: config.graphiql,
    landingPage: false,
    logging: log.child({ component: "yoga" }),
    maskedErrors: {
      maskError: (error, message, isDev) => {
        const original = (error as { originalError?: unknown }).originalError ?? error;
        const shown = clientError(original);
        if (shown) {
          const { nodes, path } = error as GraphQLError;
          return new GraphQLError(shown.message, { extensions: shown.extensions, nodes, path });
        }
        return maskError(error, message, isDev);
      },
    },
    context: async ({ request, connectionParams }): Promise<Context> => {
      const header = connectionParams ? connectionParams.authorization : request.headers.get("authorization");
      const requestId = request?.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
      return {
        db,
        viewer: await resolveViewer(db, config.adminToken, header ?? undefined),
        requestId,
        log: log.child({ requestId }),
        feed,
      };
    },
    plugins: [
      useReadinessCheck({
        endpoint: "/ready",
        check: async () => {
          if (!ready) return false;
          try {
            await database.ping();
            return true;
          } catch {
            return false;
          }
        },
      }),
    ],
  });

  const server = createServer(yoga);
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024 });
  const wsCleanup = useServer(
    {
      execute: (args: ExecutionArgs) =>
        (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args: ExecutionArgs) =>
        (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams ?? {},
        });
        // A document that fails to parse or validate is answered with an `error` message for this
        // operation; thrown, it would close the whole socket (4500).
        let document: ReturnType<typeof parse>;
        try {
          document = parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError("Syntax error.")];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wsServer,
    WS_KEEPALIVE_MS,
  );

  return {
    server,
    feed,
    async start(port = config.port, host = config.host) {
      await feed.start();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      ready = false;
      for (const client of wsServer.clients) client.close(GOING_AWAY, "Server shutting down");
      // Ends every subscription first, so that SSE streams complete and the server can close.
      await feed.stop();
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
