import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import type { FactChange, FactKindName } from "../facts/history.js";

export const FEED_CHANNEL = "feed_event";
export type FeedKind = FactKindName;

/**
 * Appends an event inside the writer's transaction; call it last, just before commit. The
 * upsert on feed_head takes that row's lock until commit, so a later position can never commit
 * before an earlier one: readers that page by position skip nothing. NOTIFY is delivered only
 * on commit, and only as a doorbell: listeners read the feed itself.
 */
export async function appendFeedEvent(
  tx: Db,
  kind: FeedKind,
  entityId: number,
  change: FactChange = "ADDED",
  version = 1,
): Promise<number> {
  const result = await tx.execute<{ position: string | number }>(sql`
    with head as (
      insert into feed_head (id, position) values (1, 1)
      on conflict (id) do update set position = feed_head.position + 1
      returning position
    ), event as (
      insert into feed_event (position, kind, entity_id, change, version)
      select position, ${kind}, ${entityId}, ${change}, ${version} from head
      returning position
    )
    select position, pg_notify(${FEED_CHANNEL}, position::text) from event`);
  return Number(rowsOf<{ position: string | number }>(result)[0]?.position);
}
