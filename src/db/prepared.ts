// Prepared statements for the statements a service runs again and again. drizzle sends every
// query as an unnamed statement, so PostgreSQL parses and plans a nested read's ~3 KB of SQL on
// every request; prepared, each connection parses it once and then only binds the parameters.
// A statement is prepared from its second run, and only the first `max` distinct ones: every
// distinct GraphQL selection is a distinct statement, and prepared ones stay on their connection
// until it closes.
import type { Sql } from "postgres";

export type PrepareOptions = { max: number };

/** Decides which statements are prepared: one per process, shared by the pool's lanes
 * (src/db/client.ts), so that `max` counts distinct statements however many clients there are. */
export function preparer({ max }: PrepareOptions): (text: string, parameters: number) => boolean {
  const prepared = new Set<string>();
  /** Statements seen once, waiting for a second run; cleared when it fills. */
  const seen = new Set<string>();
  return (text: string, parameters: number): boolean => {
    if (prepared.has(text)) return true;
    // Without parameters postgres.js uses the simple protocol: nothing to prepare.
    if (parameters === 0 || prepared.size >= max) return false;
    if (!seen.has(text)) {
      if (seen.size >= max * 4) seen.clear();
      seen.add(text);
      return false;
    }
    seen.delete(text);
    prepared.add(text);
    return true;
  };
}

/** `client`, preparing the statements `shouldPrepare` picks. */
export function preparing(client: Sql, shouldPrepare: ReturnType<typeof preparer>): Sql {
  const unsafe: Sql["unsafe"] = (text, parameters, options) =>
    client.unsafe(text, parameters, { ...options, prepare: shouldPrepare(text, parameters?.length ?? 0) });
  // Everything else (begin, listen, options, end…) is the client's own.
  return Object.assign(Object.create(client) as Sql, { unsafe });
}
