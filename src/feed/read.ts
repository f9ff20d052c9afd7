// Reading the feed: a page of events after a position, with the facts they announce, loaded in
// three statements whatever the page size. The hub and every replay read through here.
import { and, asc, gt, inArray, lte, max } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { feedEventTable, releaseTable, statementSubjectTable, statementTable } from "../db/tables.js";
import { type FeedFilter, matchesSql } from "./filter.js";
import type { FeedItem } from "./item.js";

/** `end`: the last position read (or `after` when none); `full`: more may follow. */
export type FeedPage = { items: FeedItem[]; end: number; full: boolean };

/** The last committed position, 0 for an empty feed. */
export async function feedHead(db: Db): Promise<number> {
  const [row] = await db.select({ head: max(feedEventTable.position) }).from(feedEventTable);
  return Number(row?.head ?? 0);
}

/**
 * Up to `limit` events with position > `after`, in position order. Positions commit in order
 * (see append.ts), so paging by position never skips an event that committed late.
 * `only` narrows a replay to one subscriber's events up to `upto`, a position already known to
 * be committed: a short page then means that everything up to `upto` has been seen.
 */
export async function readFeed(
  db: Db,
  after: number,
  limit: number,
  only?: { filter: FeedFilter; upto: number },
): Promise<FeedPage> {
  const events = await db
    .select()
    .from(feedEventTable)
    .where(
      and(
        gt(feedEventTable.position, after),
        only && lte(feedEventTable.position, only.upto),
        only && matchesSql(only.filter),
      ),
    )
    .orderBy(asc(feedEventTable.position))
    .limit(limit);
  if (events.length === 0) return { items: [], end: Math.max(after, only?.upto ?? after), full: false };
  const ids = (kind: string) => events.filter((e) => e.kind === kind).map((e) => e.entityId);
  const releaseIds = ids("release");
  const statementIds = ids("statement");
  const [releases, statements, subjects] = await Promise.all([
    releaseIds.length ? db.select().from(releaseTable).where(inArray(releaseTable.id, releaseIds)) : [],
    statementIds.length ? db.select().from(statementTable).where(inArray(statementTable.id, statementIds)) : [],
    statementIds.length
      ? db.select().from(statementSubjectTable).where(inArray(statementSubjectTable.statementId, statementIds))
      : [],
  ]);
  const releaseById = new Map(releases.map((r) => [r.id, r]));
  const statementById = new Map(statements.map((s) => [s.id, s]));
  const subjectIds = new Map<number, number[]>();
  for (const { statementId, personId } of subjects) {
    subjectIds.set(statementId, [...(subjectIds.get(statementId) ?? []), personId]);
  }
  const items: FeedItem[] = [];
  for (const event of events) {
    const position = Number(event.position);
    if (event.kind === "release") {
      const release = releaseById.get(event.entityId);
      if (release) items.push({ position, kind: "release", release });
    } else if (event.kind === "statement") {
      const statement = statementById.get(event.entityId);
      if (statement)
        items.push({ position, kind: "statement", statement, subjectIds: subjectIds.get(statement.id) ?? [] });
    }
  }
  // A fact deleted after it was announced leaves a hole in `items`; `end` still moves past it.
  const full = events.length === limit;
  const last = Number(events[events.length - 1]?.position);
  return { items, end: only && !full ? Math.max(last, only.upto) : last, full };
}
