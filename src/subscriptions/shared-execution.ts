// Fan-out: an event is executed once per distinct subscription operation, not once per
// subscriber. Subscribers that run the same document with the same variables (a dashboard
// open in many browsers) get the same ExecutionResult for the same feed position. Deliveries
// that concern one subscriber only (overflow, database unavailable) are executed for it alone.
// What every result needs (error reporting, masking) is done here too, once per result: the
// per-subscriber hooks of a plugin pipeline were most of the cost of a 10,000-subscriber event.
// Over graphql-ws, a shared result goes straight to each waiting subscriber's socket, in one loop
// (a DirectSink), rather than through graphql-ws's per-result emit.
import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ResultCache, type Waiter } from "./result-cache.js";

function positionOf(payload: unknown): number | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const position = (payload as { position?: unknown }).position;
  return typeof position === "number" ? position : undefined;
}

/** Reports and masks a result's errors; given every result, once, before it is shared. */
export type FinishResult = (result: ExecutionResult, args: ExecutionArgs) => ExecutionResult;

/**
 * Where a subscriber's results can go without the transport's per-result machinery: graphql-ws
 * (src/http/ws-sink.ts) writes a `next` message straight to the socket. `deliver` returns
 * false when it cannot send now: the result is then yielded to the transport. For a backed-up
 * socket, its send waits (the backpressure that cuts off a subscriber who stopped reading); for
 * a closed one, it drops the message.
 */
export type DirectSink = { deliver(result: ExecutionResult): boolean };

export type Subscribe = (
  args: ExecutionArgs,
  sink?: DirectSink,
) => Promise<AsyncGenerator<ExecutionResult, undefined> | ExecutionResult>;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A source that can be taken from without a promise (src/feed/subscription.ts: poll): what it
 * has now; or undefined, and it calls `consumer.offer()` once it has something; or null when
 * only next() will do. Between events, a subscriber then holds no promise and no closure.
 */
type Pollable = { poll(consumer: { offer(): void }): IteratorResult<unknown> | undefined | null };

/**
 * One subscriber's event stream: the source's payloads, each executed (once per operation and
 * feed position) and finished. A class with promise chains rather than an object of closures and
 * async functions: an idle subscriber keeps one of these and one pending promise, nothing more.
 * With a sink and a Pollable source, the pending promise is the transport's next() alone.
 */
class SharedSubscription implements AsyncGenerator<ExecutionResult, undefined>, Waiter {
  readonly #cache: ResultCache;
  readonly #source: AsyncIterator<unknown>;
  readonly #args: ExecutionArgs;
  readonly #key: string;
  readonly #finish: FinishResult;
  readonly #sink: DirectSink | undefined;
  #failed = false;
  #returned = false;
  /** With a sink: the transport's pending next(), answered with the first result the sink could not take. */
  #answer: ((result: IteratorResult<ExecutionResult, undefined>) => void) | undefined;

  constructor(
    cache: ResultCache,
    source: AsyncIterable<unknown>,
    args: ExecutionArgs,
    finish: FinishResult,
    sink: DirectSink | undefined,
  ) {
    this.#cache = cache;
    this.#source = source[Symbol.asyncIterator]();
    this.#args = args;
    this.#key = cache.keyOf(args);
    this.#finish = finish;
    this.#sink = sink;
  }

  next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    if (this.#failed) return Promise.resolve(DONE);
    if (this.#sink === undefined) {
      return this.#source
        .next()
        .then((step) => this.#step(step))
        .catch((error: unknown) => this.#fail(error));
    }
    return new Promise((resolve) => {
      this.#answer = resolve;
      this.#pull();
    });
  }

  /**
   * Takes the source's next payload for the pending next(). A result without errors goes straight
   * to the sink, and the same next() stays pending for the payload after it (a loop, not a chain
   * of promises); anything else answers next(). The transport is waiting in next() meanwhile, so
   * nothing it sends can come between two results, and their order is the feed's.
   */
  #pull(): void {
    let step: IteratorResult<unknown> | undefined | null = null;
    try {
      const source = this.#source as Partial<Pollable>;
      step = source.poll ? source.poll(this) : null;
    } catch (error) {
      this.#reply(this.#fail(error));
      return;
    }
    // undefined: the source calls offer() once it has something.
    if (step === undefined) return;
    if (step !== null) {
      this.#take(step);
      return;
    }
    this.#source.next().then(
      (next) => this.#take(next),
      (error: unknown) => this.#reply(this.#fail(error)),
    );
  }

  /** The source has something for us (see Pollable). */
  offer(): void {
    this.#pull();
  }

  #take(step: IteratorResult<unknown>): void {
    if (step.done || this.#returned) {
      this.#reply(DONE);
      return;
    }
    try {
      const payload = step.value;
      const position = positionOf(payload);
      if (position === undefined) {
        this.#execute(payload).then(
          (result) => this.resolved(result),
          (error: unknown) => this.failed(error),
        );
      } else {
        const cache = this.#cache;
        cache.join(cache.get(this.#key, position) ?? cache.share(this.#key, position, this.#execute(payload)), this);
      }
    } catch (error) {
      this.#reply(this.#fail(error));
    }
  }

  /** Called with the result of the payload taken (for many subscribers in one loop: join()). */
  resolved(result: ExecutionResult): void {
    if (this.#returned) {
      this.#reply(DONE);
      return;
    }
    try {
      if (result.errors === undefined && (this.#sink as DirectSink).deliver(result)) this.#pull();
      else this.#reply({ done: false, value: result });
    } catch (error) {
      this.#reply(this.#fail(error));
    }
  }

  failed(error: unknown): void {
    this.#reply(this.#fail(error));
  }

  #reply(result: IteratorResult<ExecutionResult, undefined> | Promise<IteratorResult<ExecutionResult, undefined>>) {
    const answer = this.#answer;
    this.#answer = undefined;
    answer?.(result as IteratorResult<ExecutionResult, undefined>);
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.#returned = true;
    // A pending next() is answered now, not when an execution or a replay read in flight ends
    // (a slow database would hold the transport's loop); what settles later is dropped.
    this.#reply(DONE);
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

  // `await using` ends the subscription, as it does a native async generator.
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  async #step(step: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult, undefined>> {
    if (step.done) return DONE;
    const payload = step.value;
    const position = positionOf(payload);
    const value = await (position === undefined
      ? this.#execute(payload)
      : (this.#cache.get(this.#key, position) ?? this.#cache.share(this.#key, position, this.#execute(payload))));
    return { done: false, value };
  }

  /**
   * Something threw on the way (a bug, not a client's mistake): the subscriber gets one result
   * with the error reported and masked like any other, then the subscription ends, rather
   * than graphql-ws sending the raw message.
   */
  async #fail(error: unknown): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.#failed = true;
    await Promise.resolve(this.#source.return?.()).catch(() => {});
    const wrapped = new GraphQLError("Unexpected error.", { originalError: error as Error });
    return { done: false, value: this.#finish({ errors: [wrapped] }, this.#args) };
  }

  async #execute(payload: unknown): Promise<ExecutionResult> {
    const args = this.#args;
    return this.#finish((await execute({ ...args, rootValue: payload })) as ExecutionResult, args);
  }
}

/** graphql's subscribe, with each event executed once per distinct operation and `finish`ed. */
export function sharedSubscribe(finish: FinishResult): Subscribe {
  // One app's: results are shared by feed position, which means nothing in another database.
  const cache = new ResultCache();
  return async (args, sink) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return finish(source as ExecutionResult, args);
    return new SharedSubscription(cache, source as AsyncIterable<unknown>, args, finish, sink);
  };
}

/** Makes Yoga's subscriptions (SSE) use `subscribe`. */
export function useSharedSubscriptionEvents(subscribe: Subscribe): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn((args) => subscribe(args as ExecutionArgs));
    },
  };
}
