// Lookups by one key, prepared once per document. A root field's plan is reused by every request
// of the same document (patches/: planCache), and handed this frozen selection it also hands back
// the same query object every time; drizzle then builds that query's SQL once, here, instead of on
// every request (about a tenth of a nested read's CPU), and each request only binds its key.
import { sql } from "drizzle-orm";

/** `where: { slug }`, the slug bound at execution: `execute({ slug })`. */
export const BY_SLUG = Object.freeze({ where: Object.freeze({ slug: sql.placeholder("slug") }) });
/** `where: { id }`, the id bound at execution: `execute({ id })`. */
export const BY_ID = Object.freeze({ where: Object.freeze({ id: sql.placeholder("id") }) });

type Prepared<T> = { execute(values: Record<string, unknown>): Promise<T> };

/** Per database (tests run several in one process), per query object; both weak. */
const preparedQueries = new WeakMap<object, WeakMap<object, Prepared<unknown>>>();

/**
 * `prepare()`'s result for this query on this database, made on first use. A query object the
 * plugin built afresh (no reusable plan) is prepared once and dropped with it.
 */
export function preparedOnce<T>(db: object, query: object, prepare: () => Prepared<T>): Prepared<T> {
  let byQuery = preparedQueries.get(db);
  if (!byQuery) {
    byQuery = new WeakMap();
    preparedQueries.set(db, byQuery);
  }
  let prepared = byQuery.get(query) as Prepared<T> | undefined;
  if (!prepared) {
    prepared = prepare();
    byQuery.set(query, prepared);
  }
  return prepared;
}
