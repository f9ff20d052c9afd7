// An error and what it wraps: a GraphQLError's `originalError`, an Error's `cause` (drizzle wraps
// the driver's error, graphql wraps what a resolver threw). Every walk of that chain is this one.

/** How deep a chain is followed: deeper wrapping is not ours, and a cycle must end. */
const MAX_LINKS = 8;

/** `error`, then each error it wraps, outermost first; objects only, at most MAX_LINKS. */
export function* errorChain(error: unknown): Generator<object, void, undefined> {
  let current = error;
  for (let links = 0; links < MAX_LINKS && current !== null && typeof current === "object"; links++) {
    yield current;
    const { originalError, cause } = current as { originalError?: unknown; cause?: unknown };
    const next = originalError ?? cause;
    if (next === current) return;
    current = next;
  }
}

/** The first value `pick` finds along `error`'s chain. */
export function findInChain<T>(error: unknown, pick: (link: object) => T | undefined): T | undefined {
  for (const link of errorChain(error)) {
    const found = pick(link);
    if (found !== undefined) return found;
  }
  return undefined;
}
