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
import { watchAvailability } from "./db/availability.js";
import type { Database } from "./db/client.js";
import { FeedHub } from "./feed/hub.js";
import { useSharedSubscriptionEvents } from "./feed/shared-execution.js";
import type { Context } from "./graphql/context.js";
import { schema } from "./graphql/schema.js";
import { trackRequests } from "./http/drain.js";
import { operationalError, useDatabaseGate, useErrorReporting, withoutHttpExtensions } from "./http/errors.js";
import {
  checkParams,
  GuardedWebSocket,
  LIMITS,
  tooManyOperations,
  useArmor,
  useExtraRules,
  useRequestLimits,
} from "./http/limits.js";
import { allowWebSocketOrigin, useCsrfPrevention } from "./http/security.js";
import type { Logger } from "./logger.js";

/** WebSocket close code 1001: the endpoint is going away. */
const GOING_AWAY = 1001;
/** stop() finishes within this (main.ts exits after 10 s whatever happens). */
const STOP_DEADLINE_MS = 8_000;
const WS_CLOSE_GRACE_MS = 2_000;
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
  const availability = watchAvailability(database, {
    onChange: (up) => (up ? log.info("the database is back") : log.error("the database is unavailable")),
  });
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
    maxRequestBodySize: LIMITS.bodyBytes,
    batching: false,
    multipart: false,
    cors: config.allowedOrigins ? { origin: config.allowedOrigins } : undefined,
    maskedErrors: {
      // Never a stack or an original message in a response, whatever NODE_ENV says.
      isDev: false,
      maskError: (error, message, isDev) => {
        const original = (error as { originalError?: unknown }).originalError ?? error;
        const shown = clientError(original) ?? operationalError(original);
        if (shown) {
          // Kept (with the code added) rather than replaced: Yoga logs every error it has to
          // replace, and a client's own mistakes should not fill the log with stacks.
          const located = error as GraphQLError;
          if (located.name === "GraphQLError" && located.message === shown.message) {
            return Object.assign(located, { extensions: { ...located.extensions, ...shown.extensions } });
          }
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
        // The service's logger, not a child per request: making one was the largest single cost
        // of `{ __typename }`; whoever logs adds the requestId.
        log,
        feed,
      };
    },
    plugins: [
      useReadinessCheck({
        endpoint: "/ready",
        check: async () => ready && (await availability.check()),
      }),
      useCsrfPrevention(config.allowedOrigins),
      useRequestLimits(),
      useExtraRules(),
      useArmor(),
      useErrorReporting(availability),
      useDatabaseGate(availability),
      useSharedSubscriptionEvents(),
    ],
  });

  const server = createServer(yoga);
  const drain = trackRequests(server);
  const wsServer = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: LIMITS.wsMaxPayload,
    verifyClient: allowWebSocketOrigin(config.allowedOrigins),
    // GuardedWebSocket checks UTF-8 itself, answering a bad operation instead of closing (1007).
    skipUTF8Validation: true,
    WebSocket: GuardedWebSocket,
  });
  const wsCleanup = useServer(
    {
      execute: (args: ExecutionArgs) =>
        (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args: ExecutionArgs) =>
        (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      connectionInitWaitTimeout: LIMITS.connectionInitWaitMs,
      jsonMessageReplacer: withoutHttpExtensions,
      onSubscribe: async (ctx, _id, params) => {
        const tooBig = checkParams(params, { bytes: true }) ?? tooManyOperations(ctx.subscriptions);
        if (tooBig) return [tooBig];
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
        // A rule that throws (Armor's do, unless told to report) must not close the socket either.
        let errors: readonly GraphQLError[];
        try {
          errors = validate(schema, document);
        } catch (error) {
          errors = [error instanceof GraphQLError ? error : new GraphQLError("Invalid document.")];
        }
        if (errors.length > 0) return [...errors];
        let contextValue: Context;
        try {
          contextValue = await contextFactory();
        } catch (error) {
          log.error({ err: error }, "graphql-ws context failed");
          return [operationalError(error) ?? new GraphQLError("Unexpected error.")];
        }
        return {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
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
      const deadline = Date.now() + STOP_DEADLINE_MS;
      // Behind a load balancer: /ready answers 503 while we still serve, until it notices.
      if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      for (const client of wsServer.clients) client.close(GOING_AWAY, "Server shutting down");
      // Ends every subscription first, so that SSE streams complete and the server can close.
      await feed.stop();
      // A client that never answers the close handshake would hold dispose() for ws's 30 s.
      const stragglers = setTimeout(() => {
        for (const client of wsServer.clients) client.terminate();
      }, WS_CLOSE_GRACE_MS);
      await wsCleanup.dispose();
      clearTimeout(stragglers);
      const { forced } = await drain.close(deadline);
      availability.stop();
      if (forced > 0) log.warn({ forced }, "requests still running at the shutdown deadline were cut");
    },
  };
}
