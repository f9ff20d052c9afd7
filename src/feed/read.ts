// Reading the feed: a page of events after a position, with each change's values (from
// fact_version) and, for releases and statements, the rows as they stand; a fixed number of
// statements whatever the page size. The hub and every replay read through here.
import { and, asc, gt, inArray, lte, max, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { factVersionTable, feedEventTable, releaseTable, statementSubjectTable, statementTable } from "../db/tables.js";
import type { FactChange, FactKindName, FactValues } from "../facts/history.js";
import { type FeedFilter, matchesSql } from "./filter.js";
import type { FeedItem } from "./item.js";

/** `end`: the last position read (or `after` when none); `full`: more may follow. */
export type FeedPage = { items: FeedItem[]; end: number; full: boolean };

/** The last committed position, 0 for an empty feed. */
export async function feedHead(db: Db): Promise<number> {
  const [row] = await db.select({ head: max(feedEventTable.position) }).from(feedEventTable);
  return Number(row?.head ?? 0);
}

type Version = typeof factVersionTable.$inferSelect;
const versionKey = (kind: string, id: number, version: number) => `${kind}:${id}:${version}`;

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
  const ids = (kind: string) => [...new Set(events.filter((e) => e.kind === kind).map((e) => e.entityId))];
  const releaseIds = ids("release");
  const statementIds = ids("statement");
  // Each change's version and the one before it, in one statement.
  const wanted = events.flatMap((e) => [
    sql`(${e.kind}::text, ${e.entityId}::int, ${e.version}::int)`,
    sql`(${e.kind}::text, ${e.entityId}::int, ${e.version - 1}::int)`,
  ]);
  const [versions, releases, statements, subjects] = await Promise.all([
    db
      .select()
      .from(factVersionTable)
      .where(
        sql`(${factVersionTable.kind}, ${factVersionTable.entityId}, ${factVersionTable.version}) in (${sql.join(wanted, sql`, `)})`,
      ),
    releaseIds.length ? db.select().from(releaseTable).where(inArray(releaseTable.id, releaseIds)) : [],
    statementIds.length ? db.select().from(statementTable).where(inArray(statementTable.id, statementIds)) : [],
    statementIds.length
      ? db.select().from(statementSubjectTable).where(inArray(statementSubjectTable.statementId, statementIds))
      : [],
  ]);
  const versionOf = new Map<string, Version>(versions.map((v) => [versionKey(v.kind, v.entityId, v.version), v]));
  const releaseById = new Map(releases.map((r) => [r.id, r]));
  const statementById = new Map(statements.map((s) => [s.id, s]));
  const subjectIds = new Map<number, number[]>();
  for (const { statementId, personId } of subjects) {
    subjectIds.set(statementId, [...(subjectIds.get(statementId) ?? []), personId]);
  }
  const items: FeedItem[] = [];
  for (const event of events) {
    const position = Number(event.position);
    const kind = event.kind as FactKindName;
    const version = versionOf.get(versionKey(kind, event.entityId, event.version));
    const before = versionOf.get(versionKey(kind, event.entityId, event.version - 1));
    const change = {
      position,
      change: event.change as FactChange,
      id: event.entityId,
      version: event.version,
      values: (version?.values ?? {}) as FactValues,
      before: before ? (before.values as FactValues) : undefined,
      changedFields: version?.changedFields ?? [],
    };
    if (kind === "release") {
      const release = releaseById.get(event.entityId);
      if (!release) continue;
      // A release written without a version row (loaded in bulk): its row stands in.
      if (!version) change.values = { ...release };
      items.push({ ...change, kind, release });
    } else if (kind === "statement") {
      const statement = statementById.get(event.entityId);
      if (!statement) continue;
      const subjects = subjectIds.get(statement.id) ?? [];
      if (!version) change.values = { ...statement, subjectIds: subjects };
      const at = (change.values.subjectIds as number[] | undefined)?.map(Number) ?? subjects;
      items.push({ ...change, kind, statement, subjectIds: at });
    } else {
      items.push({ ...change, kind });
    }
  }
  // A fact deleted after it was announced leaves a hole in `items`; `end` still moves past it.
  const full = events.length === limit;
  const last = Number(events[events.length - 1]?.position);
  return { items, end: only && !full ? Math.max(last, only.upto) : last, full };
}
