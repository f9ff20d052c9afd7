// Graceful shutdown of the node:http side: let requests in flight finish, cut the streams that
// never finish by themselves (SSE subscriptions; their clients reconnect elsewhere).
import type { IncomingMessage, Server, ServerResponse } from "node:http";

export type Drain = {
  /** Requests in flight that are not event streams. */
  readonly inFlight: number;
  /** Stops accepting connections, ends event streams, and waits for the other requests in
   * flight until `deadline` (epoch ms); then closes whatever is left. */
  close(deadline: number): Promise<{ forced: number }>;
};

export function trackRequests(server: Server): Drain {
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const streams = new Set<ServerResponse>();

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.accept?.includes("text/event-stream")) {
      streams.add(res);
      res.once("close", () => streams.delete(res));
      return;
    }
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
  });

  return {
    get inFlight() {
      return inFlight;
    },
    async close(deadline) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const res of streams) res.socket?.destroy();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          onIdle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const forced = inFlight;
      // Keep-alive sockets that went idle after their last response.
      server.closeAllConnections();
      await closed;
      return { forced };
    },
  };
}
