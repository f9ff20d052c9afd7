// Subscription clients for tests: graphql-ws (the real client library) and GraphQL over SSE (a
// plain fetch reading the event stream), both collecting what they receive.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

export type Result = { data?: Record<string, any> | null; errors?: { message: string; extensions?: any }[] };

export type Subscriber = {
  results: Result[];
  /** Set when the server completed the subscription, or the `error` it ended with. */
  completed: boolean;
  failure: unknown;
  /** Resolves once `predicate` holds, or rejects after `timeoutMs` with what arrived so far. */
  until(predicate: (results: Result[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

function collector(): Omit<Subscriber, "close"> & { changed(): void } {
  const waiters = new Set<() => void>();
  const self = {
    results: [] as Result[],
    completed: false,
    failure: undefined as unknown,
    changed() {
      for (const wake of waiters) wake();
    },
    until(predicate: (results: Result[]) => boolean, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(self.results)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (self.completed || self.failure) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`subscription ended after ${self.results.length} results: ${String(self.failure ?? "")}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out with ${self.results.length} results: ${JSON.stringify(self.results.at(-1))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  return self;
}

export function wsSubscribe(
  wsUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  connectionParams?: Record<string, unknown>,
): Subscriber {
  const state = collector();
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams });
  const unsubscribe = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        state.results.push(result as Result);
        state.changed();
      },
      error: (error) => {
        state.failure = error instanceof Error ? error : JSON.stringify(error);
        state.changed();
      },
      complete: () => {
        state.completed = true;
        state.changed();
      },
    },
  );
  return Object.assign(state, {
    async close() {
      unsubscribe();
      await client.dispose();
    },
  });
}

export function sseSubscribe(httpUrl: string, query: string, variables: Record<string, unknown> = {}): Subscriber {
  const state = collector();
  const abort = new AbortController();
  const reading = (async () => {
    const response = await fetch(httpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    if (!response.body) throw new Error(`no body, HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = message
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (event === "next") state.results.push(JSON.parse(data) as Result);
        if (event === "complete") state.completed = true;
        state.changed();
      }
    }
    state.completed = true;
    state.changed();
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) {
      state.failure = error;
      state.changed();
    }
  });
  return Object.assign(state, {
    async close() {
      abort.abort();
      await reading;
    },
  });
}

/** The decoded database key of a global id ("UmVsZWFzZToxMg" → 12). */
export function keyOf(globalId: string): number {
  return Number(Buffer.from(globalId, "base64url").toString("utf8").split(":")[1]);
}
