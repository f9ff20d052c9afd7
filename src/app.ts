// buildApp(config) → { server, start(port), stop() }: one node:http server carrying Yoga (HTTP,
// SSE, GraphiQL, /health, /ready) and graphql-ws on the same /graphql path.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ExecutionArgs, type ExecutionResult, GraphQLError } from "graphql";
import type { OperationResult } from "graphql-ws";

import { createYoga, isAsyncIterable } from "graphql-yoga";
import { WebSocketServer } from "ws";
import { ANONYMOUS, resolveViewer } from "./auth.js";
import { changesOfPage } from "./cache/changes.js";
import { useExactResponseCache } from "./cache/plugin.js";
import { ResponseCache } from "./cache/response-cache.js";
import { type Config, defaultSearchSlots } from "./config.js";
import { databaseUnavailableError, watchAvailability } from "./db/availability.js";
import type { Database } from "./db/client.js";
import { FeedHub } from "./feed/hub.js";
import { useCompiledQueries } from "./graphql/compiled-queries.js";
import type { Context, Viewer } from "./graphql/context.js";
import { schema } from "./graphql/schema.js";
import { SearchLane } from "./graphql/search.js";
import { usePersistedQueries } from "./http/apq.js";
import { useCachingHeaders } from "./http/caching-headers.js";
import { useDashboard } from "./http/dashboard.js";
import { trackRequests } from "./http/drain.js";
import {
  errorReporter,
  maskGraphqlError,
  operationalError,
  useDatabaseGate,
  useErrorReporting,
  withoutHttpExtension,
  withoutHttpExtensions,
} from "./http/errors.js";
import { renderGraphiql, useGraphiql } from "./http/graphiql.js";
import { GuardedWebSocket } from "./http/guarded-websocket.js";
import {
  checkParams,
  LIMITS,
  parseCaches,
  tooManyOperations,
  useArmor,
  useExtraRules,
  useRequestLimits,
  useValidationCache,
} from "./http/limits.js";
import { requestIds } from "./http/request-id.js";
import { useReadiness } from "./http/routes.js";
import { allowWebSocketOrigin, corsOptions, useCsrfPrevention } from "./http/security.js";
import { useVariableCost, variableCostErrors } from "./http/variable-cost.js";
import { serveGraphqlWs } from "./http/ws-server.js";
import { ResultEncoder, WsSink } from "./http/ws-sink.js";
import type { Logger } from "./logger.js";
import { sharedSubscribe, useSharedSubscriptionEvents } from "./subscriptions/shared-execution.js";

/** WebSocket close code 1001: the endpoint is going away. */
const GOING_AWAY = 1001;
/** stop() finishes within this (main.ts exits after 10 s whatever happens). */
const STOP_DEADLINE_MS = 8_000;
const WS_CLOSE_GRACE_MS = 2_000;
/** What GraphiQL shows a newcomer first. */
const GRAPHIQL_DEFAULT_QUERY = `# Ctrl-Enter runs the query; the book icon (top left) lists every field.
{
  stats { persons releases statements exchanges }
  releases(first: 5) {
    nodes { releasedOn fromCountry toCountry person { name } }
  }
}
`;

export type App = {
  server: Server;
  /** The process's feed reader (subscriptions). */
  feed: FeedHub;
  start(port?: number, host?: string): Promise<number>;
  stop(): Promise<void>;
};

export type AppDeps = { config: Config; database: Database; log: Logger };

export function buildApp({ config, database, log }: AppDeps): App {
  const { db } = database;
  let ready = true;
  const responseCache =
    config.responseCacheSize > 0
      ? new ResponseCache(config.responseCacheSize, config.responseCacheMaxBytes)
      : undefined;
  const availability = watchAvailability(database, {
    onChange: (up) => {
      // Cut off from the database, this process may miss other instances' writes: start afresh.
      responseCache?.apply({ kind: "unknown" });
      if (up) log.info("the database is back");
      else log.error("the database is unavailable");
    },
  });
  const feed = new FeedHub(database, log.child({ component: "feed" }), {
    pollMs: config.feedPollMs,
    queueLimit: config.subscriptionQueueLimit,
    // Stale answers go before the hub hands the same events to this instance's subscribers.
    observe:
      responseCache &&
      ((page) => {
        for (const change of changesOfPage(page)) responseCache.apply(change);
      }),
  });

  const searches =
    database.kind === "pglite"
      ? new SearchLane(database.searchDb, config.searchConcurrency ?? 1, 1)
      : new SearchLane(database.searchDb, config.searchConcurrency ?? defaultSearchSlots(config.dbPoolMax));
  const report = errorReporter(availability);
  // Subscription results are reported and masked once per event (shared by every subscriber
  // of the same operation), before Yoga's masking sees them on SSE.
  const subscribeEvents = sharedSubscribe((result, args) => {
    report(result, args.contextValue as Context, args.operationName);
    if (!result.errors) return result;
    const errors = result.errors.map((error) => withoutHttpExtension(maskGraphqlError(error) as GraphQLError));
    return { ...result, errors };
  });

  const ids = requestIds();
  // Each shared result is serialised once, however many graphql-ws subscribers it goes to.
  const encoder = new ResultEncoder();
  const yoga = createYoga<{ connectionParams?: Record<string, unknown> }, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: config.graphiql && { title: "exchange-graph · GraphiQL", defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    renderGraphiQL: renderGraphiql,
    landingPage: false,
    logging: log.child({ component: "yoga" }),
    // Capped in useRequestLimits, which reads the body anyway (src/http/body.ts says why).
    maxRequestBodySize: false,
    batching: false,
    // Validation results are cached by useValidationCache, which knows the rules never change.
    parserAndValidationCache: { validationCache: false, ...parseCaches() },
    multipart: false,
    cors: corsOptions(config.allowedOrigins),
    // Never a stack or an original message in a response, whatever NODE_ENV says.
    maskedErrors: { isDev: false, maskError: (error, message) => maskGraphqlError(error, message) },
    context: ({ request, connectionParams }): Context | Promise<Context> => {
      const header = connectionParams ? connectionParams.authorization : request.headers.get("authorization");
      const requestId = ids.of(request);
      // The service's logger, not a child per request: making one was the largest single cost of
      // `{ __typename }`; whoever logs adds the requestId.
      const context = (viewer: Viewer): Context => ({ db, viewer, requestId, log, feed, searches, responseCache });
      // Most requests carry no credentials: no promise to wait for then.
      if (header === undefined || header === null || header === "") return context(ANONYMOUS);
      return resolveViewer(db, config.adminToken, header).then(context);
    },
    plugins: [
      ids.plugin,
      ...(config.graphiql ? [useGraphiql("/graphql")] : []),
      useReadiness("/ready", async () => ready && (await availability.check())),
      useDashboard(),
      useCsrfPrevention(config.allowedOrigins),
      // Before the limits, which then see the document a hash stands for.
      usePersistedQueries(),
      useRequestLimits(),
      useExtraRules(),
      useArmor(),
      useValidationCache(),
      // First of the execution hooks: a refused operation reaches no cache, gate or resolver.
      useVariableCost(),
      useErrorReporting(report),
      useDatabaseGate(availability),
      useSharedSubscriptionEvents(subscribeEvents),
      useCachingHeaders("/graphql"),
      // Before the response cache, which runs a miss through it with its own copy of the document.
      useCompiledQueries(),
      ...(responseCache ? [useExactResponseCache(responseCache, () => availability.available)] : []),
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
  const wsCleanup = serveGraphqlWs(
    {
      // Queries and mutations run Yoga's whole pipeline (rootValue carries it from onSubscribe).
      execute: async (args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> => {
        const result = await (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args);
        return isAsyncIterable(result)
          ? (result as AsyncIterable<ExecutionResult>)
          : withoutHttpExtensions(result as ExecutionResult);
      },
      // Subscriptions were built by that pipeline (parse, validate, context) in onSubscribe; their
      // events skip Yoga's per-result hooks, which subscribeEvents does once per event instead.
      subscribe: (args: ExecutionArgs): OperationResult =>
        availability.available
          ? subscribeEvents({ ...args, rootValue: undefined }, (args.rootValue as { sink?: WsSink }).sink)
          : { errors: [withoutHttpExtension(databaseUnavailableError())] },
      connectionInitWaitTimeout: LIMITS.connectionInitWaitMs,
      onSubscribe: async (ctx, id, params) => {
        const tooBig = checkParams(params, { bytes: true }) ?? tooManyOperations(ctx.subscriptions);
        if (tooBig) return [withoutHttpExtension(tooBig)];
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
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
          return [error instanceof GraphQLError ? withoutHttpExtension(error) : new GraphQLError("Syntax error.")];
        }
        // A rule that throws (Armor's do, unless told to report) must not close the socket either.
        let errors: readonly GraphQLError[];
        try {
          errors = validate(schema, document);
          // Validation prices literal page sizes only (and is cached per document): variables here.
          if (errors.length === 0) {
            errors = variableCostErrors(schema, document, params.operationName, params.variables);
          }
        } catch (error) {
          errors = [error instanceof GraphQLError ? error : new GraphQLError("Invalid document.")];
        }
        if (errors.length > 0) return errors.map(withoutHttpExtension);
        let contextValue: Context;
        try {
          contextValue = await contextFactory();
        } catch (error) {
          log.error({ err: error }, "graphql-ws context failed");
          return [withoutHttpExtension(operationalError(error) ?? new GraphQLError("Unexpected error."))];
        }
        // The operation lives as long as its subscription: keep only what resolvers read, not
        // Yoga's whole context (graphql-ws's ctx, the socket, params…).
        const { viewer, requestId } = contextValue;
        contextValue = { db, viewer, requestId, log, feed, searches, responseCache };
        return {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute, subscribe, sink: new WsSink(ctx.extra.socket as GuardedWebSocket, id, encoder) },
        };
      },
    },
    wsServer,
    config.wsKeepaliveMs,
    log.child({ component: "graphql-ws" }),
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
