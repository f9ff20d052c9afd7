// A subscriber's filter, as one value that both checks a live event in memory and narrows a
// replay in SQL, so that the two can never disagree about which events match. A change matches
// when the fact's values before it or after it match (API.md, "Change subscriptions"), read
// from the versions the change names, so a replay gives the same events whatever changed since.
import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { feedEventTable } from "../db/tables.js";
import type { FactKindName, FactValues } from "../facts/history.js";
import type { FeedItem } from "./item.js";

/** `added`: additions only (releaseAdded, statementAdded); `all`: every change. */
type Changes = "added" | "all";

export type FeedFilter =
  | {
      kind: "release";
      changes: Changes;
      exchangeId?: number | undefined;
      fromCountry?: string | undefined;
      toCountry?: string | undefined;
    }
  | { kind: "statement"; changes: Changes; speakerId?: number | undefined; aboutId?: number | undefined }
  | { kind: "facts"; kinds?: FactKindName[] | undefined };

/** The filter's conditions on a fact's values: [field, value, is it a list field]. */
function conditions(filter: FeedFilter): [string, number | string, boolean][] {
  const all: [string, number | string | undefined, boolean][] =
    filter.kind === "release"
      ? [
          ["exchangeId", filter.exchangeId, false],
          ["fromCountry", filter.fromCountry, false],
          ["toCountry", filter.toCountry, false],
        ]
      : filter.kind === "statement"
        ? [
            ["speakerId", filter.speakerId, false],
            ["subjectIds", filter.aboutId, true],
          ]
        : [];
  return all.filter((c): c is [string, number | string, boolean] => c[1] !== undefined);
}

function valuesMatch(filter: FeedFilter, values: FactValues | undefined): boolean {
  if (!values) return false;
  return conditions(filter).every(([field, wanted, list]) => {
    const value = values[field];
    return list ? Array.isArray(value) && value.map(String).includes(String(wanted)) : String(value) === String(wanted);
  });
}

export function matches(filter: FeedFilter, item: FeedItem): boolean {
  if (filter.kind === "facts") return filter.kinds === undefined || filter.kinds.includes(item.kind);
  if (item.kind !== filter.kind) return false;
  if (filter.changes === "added" && item.change !== "ADDED") return false;
  return valuesMatch(filter, item.values) || valuesMatch(filter, item.before);
}

/**
 * The same test as `matches`, as a condition on feed_event rows. An event whose version row
 * is missing (a fact loaded in bulk, not through src/facts) passes here and is decided in
 * memory from its row.
 */
export function matchesSql(filter: FeedFilter): SQL | undefined {
  const e = feedEventTable;
  if (filter.kind === "facts") return filter.kinds ? inArray(e.kind, filter.kinds) : undefined;
  const on = conditions(filter).map(([field, wanted, list]) =>
    list
      ? sql`v."values" -> ${field} @> ${JSON.stringify(wanted)}::text::jsonb`
      : sql`v."values" ->> ${field} = ${String(wanted)}`,
  );
  return and(
    eq(e.kind, filter.kind),
    filter.changes === "added" ? eq(e.change, "ADDED") : undefined,
    on.length === 0
      ? undefined
      : or(
          sql`exists (select 1 from fact_version v where v.kind = ${e.kind} and v.entity_id = ${e.entityId}
            and v.version in (${e.version}, ${e.version} - 1) and ${and(...on)})`,
          sql`not exists (select 1 from fact_version v where v.kind = ${e.kind} and v.entity_id = ${e.entityId}
            and v.version = ${e.version})`,
        ),
  );
}
