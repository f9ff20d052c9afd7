// A graphql-ws client whose subscriptions resume where they left off. graphql-ws re-sends each
// active subscription after a reconnect, but with the variables it was first given: events
// committed while the socket was down are silently missed. This wrapper keeps the last `cursor`
// of each subscription (in memory and in a pluggable store such as localStorage) and makes every
// re-send carry it as `after:`, so the server replays what was missed, in order, once.
//
// It has no dependency but graphql-ws's types: import it in Node or bundle it for a browser.
import type { Client, FormattedExecutionResult as ExecutionResult, Sink, SubscribePayload } from "graphql-ws";

/** Where cursors outlive the page or process. `get` is read once per subscribe. */
export interface CursorStore {
  get(key: string): string | null | undefined;
  set(key: string, cursor: string): void;
  delete(key: string): void;
}

/** Cursors kept for the life of the process (the default). */
export function memoryCursorStore(): CursorStore {
  const cursors = new Map<string, string>();
  return {
    get: (key) => cursors.get(key),
    set: (key, cursor) => void cursors.set(key, cursor),
    delete: (key) => void cursors.delete(key),
  };
}

type WebStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** Cursors in a browser's localStorage (or any Web Storage), so a reload resumes too. */
export function webCursorStore(storage: WebStorage = globalThis.localStorage, prefix = "exchange-graph:cursor:") {
  return {
    get: (key) => storage.getItem(prefix + key),
    set: (key, cursor) => storage.setItem(prefix + key, cursor),
    delete: (key) => storage.removeItem(prefix + key),
  } satisfies CursorStore;
}

export type ResumableOptions = {
  /** Default: memoryCursorStore(). */
  store?: CursorStore;
  /** The variable that takes the cursor. Default "after". */
  cursorVariable?: string;
  /** The store key of a subscription. Default: its operation name, a hash of its text and its other variables. */
  keyOf?: (payload: SubscribePayload) => string;
  /** Wait before resubscribing when the server ended a subscription and asked for a resume. Default 1000. */
  resumeDelayMs?: number;
};

/** Errors after which the server asks the client to subscribe again with `after:`. */
const RESUMABLE_CODES: ReadonlySet<string> = new Set(["SUBSCRIPTION_OVERFLOW", "DATABASE_UNAVAILABLE"]);
/** Cursors remembered per subscription to drop an event delivered twice. */
const SEEN_LIMIT = 1000;

/**
 * Wraps a graphql-ws client: a subscription whose document declares the cursor variable
 * (`$after: String`) and selects `cursor` resumes after the last event it received, on every
 * reconnect and, with a persistent store, after a restart. A cursor in the store wins over the
 * `after` given in `variables`. Other operations pass through unchanged.
 */
export function resumable(client: Client, options: ResumableOptions = {}): Client {
  const store = options.store ?? memoryCursorStore();
  const name = options.cursorVariable ?? "after";
  const keyOf = options.keyOf ?? ((payload) => defaultKey(payload, name));
  const declares = new RegExp(`\\$${name}\\s*:`);
  const resumeDelayMs = options.resumeDelayMs ?? 1000;

  function subscribe<Data = Record<string, unknown>, Extensions = unknown>(
    payload: SubscribePayload,
    sink: Sink<ExecutionResult<Data, Extensions>>,
  ): () => void {
    if (!/(^|[^\w$])subscription\b/.test(payload.query) || !declares.test(payload.query)) {
      return client.subscribe(payload, sink);
    }
    const key = keyOf(payload);
    let cursor = store.get(key) ?? (payload.variables?.[name] as string | null | undefined) ?? undefined;
    const seen = new Set<string>();
    // graphql-ws serialises the payload again each time it (re)subscribes: the getter hands
    // every re-send the latest cursor.
    const current: SubscribePayload = {
      ...payload,
      get variables() {
        return { ...payload.variables, [name]: cursor ?? null };
      },
    };
    let stop = () => {};
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const start = () => {
      stop = client.subscribe<Data, Extensions>(current, {
        next(result) {
          const cursors = cursorsOf(result.data);
          if (cursors.length > 0 && cursors.every((c) => seen.has(c))) return;
          for (const c of cursors) remember(seen, c);
          const last = cursors.at(-1);
          if (last !== undefined) {
            cursor = last;
            // A full or forbidden store (private browsing) costs the reload resume, not the event.
            try {
              store.set(key, last);
            } catch {}
          }
          sink.next(result);
        },
        error(error) {
          if (!stopped && isResumable(error)) timer = setTimeout(start, resumeDelayMs);
          else sink.error(error);
        },
        complete() {
          if (timer === undefined) sink.complete();
        },
      });
    };
    start();
    return () => {
      stopped = true;
      if (timer !== undefined) {
        // Between an ended subscription and its resume: nothing is left to complete it.
        clearTimeout(timer);
        timer = undefined;
        sink.complete();
      }
      stop();
    };
  }

  return {
    on: client.on,
    dispose: () => client.dispose(),
    terminate: () => client.terminate(),
    subscribe,
    iterate: (payload) => iterate(subscribe, payload),
  };
}

/** The `cursor` of each root field of a result, in field order. */
function cursorsOf(data: unknown): string[] {
  if (!data || typeof data !== "object") return [];
  const cursors: string[] = [];
  for (const value of Object.values(data)) {
    const cursor = value && typeof value === "object" ? (value as { cursor?: unknown }).cursor : undefined;
    if (typeof cursor === "string") cursors.push(cursor);
  }
  return cursors;
}

function remember(seen: Set<string>, cursor: string): void {
  seen.add(cursor);
  if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
}

function isResumable(error: unknown): boolean {
  return (
    Array.isArray(error) &&
    error.some((e) => RESUMABLE_CODES.has((e as { extensions?: { code?: string } })?.extensions?.code ?? ""))
  );
}

function defaultKey(payload: SubscribePayload, name: string): string {
  const { [name]: _cursor, ...rest } = payload.variables ?? {};
  const variables = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`)
    .join("&");
  return `${payload.operationName ?? "anonymous"}:${hash(payload.query)}:${variables}`;
}

/** FNV-1a: a short, stable name for a document's text. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** client.iterate() over a resumable subscribe. */
function iterate<Data, Extensions>(
  subscribe: (payload: SubscribePayload, sink: Sink<ExecutionResult<Data, Extensions>>) => () => void,
  payload: SubscribePayload,
): AsyncIterableIterator<ExecutionResult<Data, Extensions>> {
  const pending: ExecutionResult<Data, Extensions>[] = [];
  let failure: { error: unknown } | undefined;
  let done = false;
  let wake = () => {};
  const dispose = subscribe(payload, {
    next: (value) => {
      pending.push(value);
      wake();
    },
    error: (error) => {
      failure = { error };
      wake();
    },
    complete: () => {
      done = true;
      wake();
    },
  });
  const iterator: AsyncIterableIterator<ExecutionResult<Data, Extensions>> = {
    async next() {
      while (pending.length === 0 && !failure && !done) await new Promise<void>((resolve) => (wake = resolve));
      const value = pending.shift();
      if (value) return { value, done: false };
      if (failure) throw failure.error;
      return { value: undefined, done: true };
    },
    async return() {
      dispose();
      done = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
