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
/** Keys already in use, per document: every subscriber of an operation shares one key string. */
const keys = new WeakMap<object, Map<string, string>>();
/** Distinct keys interned per document; past it, a subscriber keeps its own copy. */
const MAX_KEYS_PER_DOCUMENT = 1_000;

function operationKey(args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  const viewer = (args.contextValue as { viewer?: { admin?: boolean } } | undefined)?.viewer;
  const key = `${args.operationName ?? ""}\n${viewer?.admin ? "admin" : "public"}\n${JSON.stringify(args.variableValues ?? {})}\n${text}`;
  let known = keys.get(args.document);
  if (known === undefined) {
    known = new Map();
    keys.set(args.document, known);
  }
  const existing = known.get(key);
  if (existing !== undefined) return existing;
  if (known.size < MAX_KEYS_PER_DOCUMENT) known.set(key, key);
  return key;
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

/** Reports and masks a result's errors; given every result, once, before it is shared. */
export type FinishResult = (result: ExecutionResult, args: ExecutionArgs) => ExecutionResult;

export type Subscribe = (args: ExecutionArgs) => Promise<AsyncGenerator<ExecutionResult, undefined> | ExecutionResult>;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * One subscriber's event stream: the source's payloads, each executed (once per operation and
 * feed position) and finished. A class with promise chains rather than an object of closures and
 * async functions: an idle subscriber keeps one of these and one pending promise, nothing more.
 */
class SharedSubscription implements AsyncGenerator<ExecutionResult, undefined> {
  readonly #source: AsyncIterator<unknown>;
  readonly #args: ExecutionArgs;
  readonly #key: string;
  readonly #finish: FinishResult;

  constructor(source: AsyncIterable<unknown>, args: ExecutionArgs, finish: FinishResult) {
    this.#source = source[Symbol.asyncIterator]();
    this.#args = args;
    this.#key = operationKey(args);
    this.#finish = finish;
  }

  next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    return this.#source.next().then((step) => this.#step(step));
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    await this.#source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult, undefined>> {
    if (!this.#source.throw) throw error;
    return this.#step(await this.#source.throw(error));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async #step(step: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult, undefined>> {
    if (step.done) return DONE;
    const payload = step.value;
    const args = this.#args;
    const finish = this.#finish;
    const run = async () => finish((await execute({ ...args, rootValue: payload })) as ExecutionResult, args);
    const position = positionOf(payload);
    const value = await (position === undefined ? run() : shared(`${position}\n${this.#key}`, run));
    return { done: false, value };
  }
}

/** graphql's subscribe, with each event executed once per distinct operation and `finish`ed. */
export function sharedSubscribe(finish: FinishResult): Subscribe {
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return finish(source as ExecutionResult, args);
    return new SharedSubscription(source as AsyncIterable<unknown>, args, finish);
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
