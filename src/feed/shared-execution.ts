// Fan-out: an event is executed once per distinct subscription operation, not once per
// subscriber. Subscribers that run the same document with the same variables (a dashboard
// open in many browsers) get the same ExecutionResult for the same feed position. Deliveries
// that concern one subscriber only (overflow, database unavailable) are executed for it alone.
// What every result needs (error reporting, masking) is done here too, once per result: the
// per-subscriber hooks of a plugin pipeline were most of the cost of a 10,000-subscriber event.
import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute, print } from "graphql";
import type { Plugin } from "graphql-yoga";

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const results = new Map<string, Promise<ExecutionResult>>();
const printed = new WeakMap<object, string>();

function operationKey(args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  const viewer = (args.contextValue as { viewer?: { admin?: boolean } } | undefined)?.viewer;
  return `${args.operationName ?? ""}\n${viewer?.admin ? "admin" : "public"}\n${JSON.stringify(args.variableValues ?? {})}\n${text}`;
}

function positionOf(payload: unknown): number | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const position = (payload as { position?: unknown }).position;
  return typeof position === "number" ? position : undefined;
}

function shared(key: string, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
  const existing = results.get(key);
  if (existing) return existing;
  if (results.size >= MAX_ENTRIES) results.delete(results.keys().next().value as string);
  const promise = run();
  results.set(key, promise);
  promise.then(
    () =>
      setTimeout(() => {
        if (results.get(key) === promise) results.delete(key);
      }, TTL_MS).unref(),
    () => results.delete(key),
  );
  return promise;
}

/** Maps an async iterator, passing return() through so unsubscribing reaches the source. */
function mapAsync<T, U>(source: AsyncIterable<T>, map: (value: T) => Promise<U>): AsyncGenerator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const mapped: AsyncGenerator<U> = {
    async next() {
      const step = await iterator.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: await map(step.value) };
    },
    async return() {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      if (iterator.throw) {
        const step = await iterator.throw(error);
        return step.done ? { done: true, value: undefined } : { done: false, value: await map(step.value) };
      }
      throw error;
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
}

/** Reports and masks a result's errors; given every result, once, before it is shared. */
export type FinishResult = (result: ExecutionResult, args: ExecutionArgs) => ExecutionResult;

export type Subscribe = (args: ExecutionArgs) => Promise<AsyncGenerator<ExecutionResult> | ExecutionResult>;

/** graphql's subscribe, with each event executed once per distinct operation and `finish`ed. */
export function sharedSubscribe(finish: FinishResult): Subscribe {
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return finish(source as ExecutionResult, args);
    const key = operationKey(args);
    return mapAsync(source as AsyncIterable<unknown>, async (payload) => {
      const run = async () => finish((await execute({ ...args, rootValue: payload })) as ExecutionResult, args);
      const position = positionOf(payload);
      return position === undefined ? run() : shared(`${position}\n${key}`, run);
    });
  };
}

/** Makes Yoga's subscriptions (SSE) use `subscribe`. */
export function useSharedSubscriptionEvents(subscribe: Subscribe): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as never);
    },
  };
}
