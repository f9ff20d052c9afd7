// A subscriber's filter, as one value that both checks a live event in memory and narrows a
// replay in SQL, so that the two can never disagree about which events match.
import { and, eq, exists, type SQL, sql } from "drizzle-orm";
import { feedEventTable, releaseTable, statementSubjectTable, statementTable } from "../db/tables.js";
import type { FeedItem } from "./item.js";

export type FeedFilter =
  | {
      kind: "release";
      exchangeId?: number | undefined;
      fromCountry?: string | undefined;
      toCountry?: string | undefined;
    }
  | { kind: "statement"; speakerId?: number | undefined; aboutId?: number | undefined };

export function matches(filter: FeedFilter, item: FeedItem): boolean {
  if (filter.kind === "release") {
    if (item.kind !== "release") return false;
    const { release } = item;
    return (
      (filter.exchangeId === undefined || release.exchangeId === filter.exchangeId) &&
      (filter.fromCountry === undefined || release.fromCountry === filter.fromCountry) &&
      (filter.toCountry === undefined || release.toCountry === filter.toCountry)
    );
  }
  if (item.kind !== "statement") return false;
  return (
    (filter.speakerId === undefined || item.statement.speakerId === filter.speakerId) &&
    (filter.aboutId === undefined || item.subjectIds.includes(filter.aboutId))
  );
}

/** The same test as `matches`, as a condition on feed_event rows. */
export function matchesSql(filter: FeedFilter): SQL | undefined {
  const entity = feedEventTable.entityId;
  if (filter.kind === "release") {
    const t = releaseTable;
    return and(
      eq(feedEventTable.kind, "release"),
      exists(
        sql`(select 1 from ${t} where ${and(
          eq(t.id, entity),
          filter.exchangeId === undefined ? undefined : eq(t.exchangeId, filter.exchangeId),
          filter.fromCountry === undefined ? undefined : eq(t.fromCountry, filter.fromCountry),
          filter.toCountry === undefined ? undefined : eq(t.toCountry, filter.toCountry),
        )})`,
      ),
    );
  }
  const t = statementTable;
  const s = statementSubjectTable;
  return and(
    eq(feedEventTable.kind, "statement"),
    exists(
      sql`(select 1 from ${t} where ${and(
        eq(t.id, entity),
        filter.speakerId === undefined ? undefined : eq(t.speakerId, filter.speakerId),
      )})`,
    ),
    filter.aboutId === undefined
      ? undefined
      : exists(sql`(select 1 from ${s} where ${and(eq(s.statementId, entity), eq(s.personId, filter.aboutId))})`),
  );
}
