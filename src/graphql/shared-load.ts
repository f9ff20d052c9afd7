// Fan-out: every subscriber of an event would load the event's fact with its own nested
// selection, one statement each (1,000 subscribers: 1,011 statements per event). Subscribers
// running the same document with the same variables need the same rows, so the load for one
// (event, document, variables) is made once and shared for a few seconds.
import { type GraphQLResolveInfo, print } from "graphql";

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const loads = new Map<string, Promise<unknown>>();
const printed = new WeakMap<object, string>();

/** The operation text and variables: what decides the selection planned for the fact. */
function operationKey(info: GraphQLResolveInfo): string {
  let text = printed.get(info.operation);
  if (text === undefined) {
    const fragments = Object.values(info.fragments).map(print).sort().join("\n");
    text = `${print(info.operation)}\n${fragments}`;
    printed.set(info.operation, text);
  }
  return `${text}\n${JSON.stringify(info.variableValues)}`;
}

/** Loads once per event and operation; later callers get the same promise. */
export function sharedLoad<T>(event: string, info: GraphQLResolveInfo, load: () => Promise<T>): Promise<T> {
  const key = `${event}\n${info.path.key}\n${operationKey(info)}`;
  const existing = loads.get(key);
  if (existing) return existing as Promise<T>;
  if (loads.size >= MAX_ENTRIES) loads.delete(loads.keys().next().value as string);
  const promise = load();
  loads.set(key, promise);
  const forget = () => {
    setTimeout(() => {
      if (loads.get(key) === promise) loads.delete(key);
    }, TTL_MS).unref();
  };
  // A failed load is not shared beyond the callers already waiting on it.
  promise.then(forget, () => loads.delete(key));
  return promise;
}
