// graphql-ws on a `ws` server: graphql-ws's own `useServer` (graphql-ws/use/ws), trimmed of what
// an idle subscriber would otherwise keep for its whole life. There, each socket has its own
// keepalive interval and pong listener, keeps the HTTP upgrade request (headers and all) in
// ctx.extra, and has an async message listener that stays suspended, with the message, while
// its subscription runs. Here one timer pings every socket, extra holds the socket alone, and
// the message listener is a plain function. One sweep closes sockets that never sent
// connection_init, where graphql-ws keeps a timer per socket for the socket's whole life. And a
// subscribe message and its query are interned: graphql-ws keeps both strings for as long as the
// subscription runs, and dashboards open the same subscription many times. (graphql-ws documents useServer as "a basic starter,
// feel free to copy the code over and adjust it to your needs".)
import { CloseCode, type ConnectionInitMessage, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../logger.js";

export type Extra = { readonly socket: WebSocket };

/** The close reason after an internal error: never the error's own message, whatever NODE_ENV
 * says (as for every other error the service answers). */
const INTERNAL_ERROR = "Internal server error";

const KEEPALIVE_SLICES = 10;
/** How often sockets still waiting for connection_init are checked, as a share of the wait. */
const INIT_WAIT_SLICES = 10;

/**
 * One instance of each recent text (subscribe messages, queries): a text seen before is replaced
 * by the copy already held. Bounded: texts over MAX_LENGTH pass through, and the table is emptied
 * when it holds MAX_TEXTS, so a client that sends only new texts costs a lookup each, nothing held.
 */
class Interner {
  static readonly MAX_TEXTS = 256;
  static readonly MAX_LENGTH = 4096;
  readonly #texts = new Map<string, string>();

  intern(text: string): string {
    if (text.length > Interner.MAX_LENGTH) return text;
    const held = this.#texts.get(text);
    if (held !== undefined) return held;
    if (this.#texts.size >= Interner.MAX_TEXTS) this.#texts.clear();
    this.#texts.set(text, text);
    return text;
  }
}
const SENT = Promise.resolve();
/**
 * What graphql-ws's server needs of a socket, as a class: its methods live on the prototype, where
 * an object of arrow functions would cost three closures per socket (and, under tsx/esbuild's
 * keepNames, which redefines each one's `name`, ~300 bytes each).
 */
class Connection {
  readonly #socket: WebSocket;

  readonly #log: Logger;

  readonly #texts: Interner;

  constructor(socket: WebSocket, log: Logger, texts: Interner) {
    this.#socket = socket;
    this.#log = log;
    this.#texts = texts;
  }

  get protocol(): string {
    return this.#socket.protocol;
  }

  /**
   * graphql-ws waits for each send before it takes the subscription's next result: that wait is
   * the backpressure that lets a subscriber who stops reading fall behind its feed queue and be
   * cut off. It is only needed once the socket holds unsent bytes; until then the message is
   * handed to the kernel as it is sent, and waiting for ws's callback (a promise and two closures
   * per message, alive until the write completes) would cost 10,000 of each per event at
   * 10,000 subscribers for nothing.
   */
  send(data: string): Promise<void> {
    const socket = this.#socket;
    if (socket.readyState !== socket.OPEN) return SENT;
    if (socket.bufferedAmount === 0) {
      socket.send(data);
      return SENT;
    }
    return new Promise<void>((resolve, reject) => {
      socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code: number, reason: string): void {
    this.#socket.close(code, reason);
  }

  /** A plain listener: an async one would stay suspended, holding the message, while its
   * subscription runs. */
  onMessage(handle: (data: string) => Promise<void>): void {
    const socket = this.#socket;
    socket.on("message", (data) => {
      handle(this.#texts.intern(String(data))).catch((error: unknown) => {
        this.#log.error({ err: error }, "graphql-ws failed to handle a message");
        socket.close(CloseCode.InternalServerError, INTERNAL_ERROR);
      });
    });
  }
}

/**
 * Serves graphql-ws on `wss`. Every `keepAliveMs` each open socket is pinged, and one that did not
 * answer the previous ping is terminated (graphql-ws's rule: no pong within `keepAliveMs`).
 */
export function serveGraphqlWs<P extends ConnectionInitMessage["payload"] = ConnectionInitMessage["payload"]>(
  options: ServerOptions<P, Extra>,
  wss: WebSocketServer,
  keepAliveMs: number,
  log: Logger,
): { dispose(): Promise<void> } {
  const texts = new Interner();
  /** Sockets that have not sent connection_init yet, with when they opened. */
  const awaitingInit = new Map<WebSocket, number>();
  const initWaitMs = options.connectionInitWaitTimeout ?? 3_000;
  const server = makeServer<P, Extra>({
    ...options,
    // The sweep below does it, without a timer per socket.
    connectionInitWaitTimeout: 0,
    jsonMessageReviver(key, value) {
      const revived = key === "query" && typeof value === "string" ? texts.intern(value) : value;
      return options.jsonMessageReviver ? options.jsonMessageReviver.call(this, key, revived) : revived;
    },
    onConnect(ctx) {
      awaitingInit.delete(ctx.extra.socket);
      return options.onConnect?.(ctx);
    },
  });
  wss.options.handleProtocols = handleProtocols;

  wss.once("error", (error) => {
    log.error({ err: error }, "WebSocket server error");
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, INTERNAL_ERROR);
  });

  /** The keepalive slice each socket is swept in. */
  const sliceOf = new WeakMap<WebSocket, number>();
  let connections = 0;
  /** Sockets pinged by the last sweep that have not answered yet. */
  const unanswered = new WeakSet<WebSocket>();
  // One listener for every socket (`this`), not a closure each.
  function answered(this: WebSocket) {
    unanswered.delete(this);
  }

  // The sockets are swept in KEEPALIVE_SLICES slices, one every keepAliveMs / KEEPALIVE_SLICES,
  // so that 100,000 sockets are not all pinged (and all answer) in one tick.
  let tick = 0;
  const keepAlive =
    keepAliveMs > 0 && Number.isFinite(keepAliveMs)
      ? setInterval(() => {
          const slice = tick++ % KEEPALIVE_SLICES;
          for (const socket of wss.clients) {
            if (socket.readyState !== socket.OPEN || sliceOf.get(socket) !== slice) continue;
            if (unanswered.has(socket)) {
              socket.terminate();
              continue;
            }
            unanswered.add(socket);
            socket.ping();
          }
        }, keepAliveMs / KEEPALIVE_SLICES)
      : undefined;
  keepAlive?.unref();

  // graphql-ws's rule, checked every initWaitMs / INIT_WAIT_SLICES: a socket that has not sent
  // connection_init within initWaitMs of opening is closed with 4408.
  const initWait =
    initWaitMs > 0 && Number.isFinite(initWaitMs)
      ? setInterval(() => {
          const now = performance.now();
          for (const [socket, opened] of awaitingInit) {
            if (now - opened < initWaitMs) continue;
            awaitingInit.delete(socket);
            socket.close(CloseCode.ConnectionInitialisationTimeout, "Connection initialisation timeout");
          }
        }, initWaitMs / INIT_WAIT_SLICES)
      : undefined;
  initWait?.unref();

  // One listener for every socket (`this`), where a closure per socket, wrapped by once(), costs
  // an object or three per socket.
  function failed(this: WebSocket, error: Error) {
    log.error({ err: error }, "WebSocket error");
    this.close(CloseCode.InternalServerError, INTERNAL_ERROR);
  }

  wss.on("connection", (socket) => {
    socket.on("error", failed);
    sliceOf.set(socket, connections++ % KEEPALIVE_SLICES);
    socket.on("pong", answered);
    if (initWait) awaitingInit.set(socket, performance.now());
    const closed = server.opened(new Connection(socket, log, texts), { socket });
    // `on`, not `once` (a socket closes once): once() wraps the listener in two more objects.
    socket.on("close", (code, reason) => {
      unanswered.delete(socket);
      awaitingInit.delete(socket);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      clearInterval(keepAlive);
      clearInterval(initWait);
      for (const client of wss.clients) client.close(1001, "Going away");
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
