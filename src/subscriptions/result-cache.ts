// The results that subscribers share, for one app: by operation key and feed position, kept a
// few seconds after they settle, so that every subscriber of an operation, whenever its queue
// reaches the event, takes the same result. Apps in one process (tests, the bench) each have
// their own: positions of two databases are not the same events.
import type { ExecutionArgs, ExecutionResult } from "graphql";
import { OperationKeys } from "./operation-key.js";

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** A subscriber waiting for a shared result (src/subscriptions/shared-execution.ts). */
export type Waiter = { resolved(result: ExecutionResult): void; failed(error: unknown): void };

export class ResultCache {
  readonly #keys = new OperationKeys();
  /** Results by operation key, then feed position: the key string is the subscription's own
   * (interned, its hash computed once), so a lookup builds no string per subscriber. */
  readonly #results = new Map<string, Map<number, Promise<ExecutionResult>>>();
  #entries = 0;
  /**
   * Subscribers with a sink waiting for a shared result, by its promise: one reaction for all of
   * them, and their deliveries made in one loop, as a broadcast would, instead of a promise, an
   * async step and its result object per subscriber.
   */
  readonly #waiting = new WeakMap<Promise<ExecutionResult>, Waiter[]>();

  /** The key under which `args`'s subscribers share results. */
  keyOf(args: ExecutionArgs): string {
    return this.#keys.key(args);
  }

  /** The result shared for (key, position), if any. */
  get(key: string, position: number): Promise<ExecutionResult> | undefined {
    return this.#results.get(key)?.get(position);
  }

  /** Calls `waiter` back when `promise` settles, in one loop with the others waiting for it. */
  join(promise: Promise<ExecutionResult>, waiter: Waiter): void {
    const list = this.#waiting.get(promise);
    if (list) {
      list.push(waiter);
      return;
    }
    const waiters = [waiter];
    this.#waiting.set(promise, waiters);
    promise.then(
      (result) => {
        this.#waiting.delete(promise);
        for (const each of waiters) {
          // resolved() catches what it can; should it ever throw, the others still get theirs.
          try {
            each.resolved(result);
          } catch (error) {
            each.failed(error);
          }
        }
      },
      (error: unknown) => {
        this.#waiting.delete(promise);
        for (const each of waiters) each.failed(error);
      },
    );
  }

  #forget(key: string, position: number, promise: Promise<ExecutionResult>): void {
    const byPosition = this.#results.get(key);
    if (byPosition?.get(position) !== promise) return;
    byPosition.delete(position);
    this.#entries--;
    if (byPosition.size === 0) this.#results.delete(key);
  }

  /** Keeps `promise` as the result for (key, position) for TTL_MS after it settles. */
  share(key: string, position: number, promise: Promise<ExecutionResult>): Promise<ExecutionResult> {
    if (this.#entries >= MAX_ENTRIES) {
      const [oldestKey, byPosition] = this.#results.entries().next().value as [
        string,
        Map<number, Promise<ExecutionResult>>,
      ];
      const [oldest, settled] = byPosition.entries().next().value as [number, Promise<ExecutionResult>];
      this.#forget(oldestKey, oldest, settled);
    }
    let byPosition = this.#results.get(key);
    if (!byPosition) {
      byPosition = new Map();
      this.#results.set(key, byPosition);
    }
    byPosition.set(position, promise);
    this.#entries++;
    promise.then(
      () => setTimeout(() => this.#forget(key, position, promise), TTL_MS).unref(),
      () => this.#forget(key, position, promise),
    );
    return promise;
  }
}
