// One subscriber: replay from the database after its cursor, then live events from the hub, with
// neither a gap nor a duplicate between the two, and a bounded queue so that a slow or vanished
// client costs the others nothing and the server at most `queueLimit` events.
import { type FeedFilter, matches } from "./filter.js";
import type { FeedHub, FeedListener } from "./hub.js";
import type { FeedItem } from "./item.js";
import { readFeed } from "./read.js";

/** Yielded once, last, when the subscriber fell `queueLimit` events behind and was cut off. */
export const OVERFLOW = Symbol("overflow");
/** Yielded once, last, when replaying from the database failed (it is away). */
export const UNAVAILABLE = Symbol("unavailable");
export type Delivery = FeedItem | typeof OVERFLOW | typeof UNAVAILABLE;

export type FeedSubscriptionOptions = {
  /** Replay every event after this position first; undefined: start from the hub's position (now). */
  after: number | undefined;
  filter: FeedFilter;
  queueLimit: number;
  /** Events read per replay statement. */
  pageSize?: number;
};

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** Called back by a FeedSubscription it poll()ed once there is something to take. */
export type FeedConsumer = { offer(): void };

export class FeedSubscription implements AsyncIterableIterator<Delivery>, FeedListener {
  readonly #hub: FeedHub;
  readonly #filter: FeedFilter;
  readonly #queueLimit: number;
  readonly #pageSize: number;
  /** Every event up to here has been queued or filtered out. */
  #last: number;
  #queue: FeedItem[] = [];
  #phase: "replay" | "live" | "overflow" | "unavailable" | "done";
  #attached = false;
  /** The pending next() of a live subscriber waiting for an event. */
  #waiter: ((result: IteratorResult<Delivery, undefined>) => void) | undefined;
  /** Or, in place of a pending next(), the consumer that poll() registered. */
  #consumer: FeedConsumer | undefined;

  constructor(hub: FeedHub, options: FeedSubscriptionOptions) {
    this.#hub = hub;
    this.#filter = options.filter;
    this.#queueLimit = options.queueLimit;
    this.#pageSize = options.pageSize ?? 200;
    this.#last = options.after ?? hub.position;
    this.#phase = "replay";
    // Without a cursor, "now" is the hub's position: attach in the same tick that read it.
    if (options.after === undefined) this.#goLive();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Not an async function: a live subscriber waiting for events (most of them, most of the time)
   * then holds one pending promise, not a suspended call.
   */
  next(): Promise<IteratorResult<Delivery, undefined>> {
    const taken = this.#take();
    if (taken) return Promise.resolve(taken);
    if (this.#phase === "replay") {
      return this.#replayPage().then(
        () => this.next(),
        (error: unknown) => {
          // Thrown, this would reach graphql-ws as a raw error message and abort an SSE stream.
          this.#hub.log.warn({ err: error }, "cannot replay the feed; ending the subscription");
          if (this.#phase === "replay") this.#phase = "unavailable";
          return this.next();
        },
      );
    }
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /**
   * next() without a promise, for a consumer that is called back instead: what can be taken now;
   * or undefined, and `consumer.offer()` is called once there is something (from the hub's
   * publish loop, synchronously: offer() must neither block nor throw; the first consumer of an
   * event starts its execution there); or null while the subscription still replays from the
   * database, when only next() will do (so a subscriber resuming with `after:` waits its first
   * live event through next()).
   */
  poll(consumer: FeedConsumer): IteratorResult<Delivery, undefined> | undefined | null {
    const taken = this.#take();
    if (taken) return taken;
    if (this.#phase === "replay") return null;
    this.#consumer = consumer;
    return undefined;
  }

  /** What next() can answer at once: a queued event, or how the subscription ended. */
  #take(): IteratorResult<Delivery, undefined> | undefined {
    const item = this.#queue.shift();
    if (item) {
      // A drained queue goes back to an empty array: a grown one would stay grown for every subscriber.
      if (this.#queue.length === 0) this.#queue = [];
      return { value: item, done: false };
    }
    switch (this.#phase) {
      case "done":
        return DONE;
      case "overflow":
        this.#finish();
        return { value: OVERFLOW, done: false };
      case "unavailable":
        this.#finish();
        return { value: UNAVAILABLE, done: false };
      default:
        return undefined;
    }
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.#finish();
    return DONE;
  }

  async throw(): Promise<IteratorReturnResult<undefined>> {
    this.#finish();
    return DONE;
  }

  /** Called by the hub, synchronously, with each batch it read. */
  push(items: FeedItem[]): void {
    if (this.#phase !== "live") return;
    for (const item of items) {
      if (item.position <= this.#last) continue;
      this.#last = item.position;
      if (matches(this.#filter, item)) this.#queue.push(item);
    }
    if (this.#queue.length > this.#queueLimit) {
      // Drop what is queued: the client gets them back by resubscribing with `after:`.
      this.#queue = [];
      this.#phase = "overflow";
      this.#detach();
    }
    this.#wakeUp();
  }

  end(): void {
    this.#finish();
  }

  async #replayPage(): Promise<void> {
    // Caught up with the hub: attach in this same tick, so the next batch it reads comes here.
    if (this.#last >= this.#hub.position) return this.#goLive();
    // Only this subscriber's events, filtered in SQL, up to the hub's position (all committed).
    const before = this.#last;
    const only = { filter: this.#filter, upto: this.#hub.position };
    const page = await readFeed(this.#hub.database.db, before, this.#pageSize, only);
    if (this.#phase !== "replay") return;
    for (const item of page.items) if (matches(this.#filter, item)) this.#queue.push(item);
    this.#last = page.end;
    // A page that did not move `last` means the database is behind the hub (a reset database):
    // go live rather than read the same empty page forever.
    if (page.end <= before) this.#goLive();
  }

  #goLive(): void {
    this.#phase = "live";
    this.#attached = true;
    this.#hub.attach(this);
  }

  #detach(): void {
    if (this.#attached) this.#hub.detach(this);
    this.#attached = false;
  }

  #finish(): void {
    this.#phase = "done";
    this.#queue = [];
    this.#detach();
    this.#wakeUp();
  }

  /** Calls back the consumer that poll() registered, or answers a waiting next(), once there is
   * something to take: an event, or the end. (Woken with nothing, next() would chain a new
   * pending promise onto the old one for every batch that this subscriber's filter drops.) */
  #wakeUp(): void {
    const consumer = this.#consumer;
    if (consumer && (this.#queue.length > 0 || (this.#phase !== "live" && this.#phase !== "replay"))) {
      this.#consumer = undefined;
      consumer.offer();
      return;
    }
    const waiter = this.#waiter;
    if (!waiter) return;
    // The answer itself, not a promise of it: resolving with a promise costs two more ticks.
    const taken = this.#take();
    if (!taken) return;
    this.#waiter = undefined;
    waiter(taken);
  }
}
