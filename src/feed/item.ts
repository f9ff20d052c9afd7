// What the feed hands its subscribers: an event's position and the fact it announces.
import type { ReleaseRow, StatementRow } from "../facts/write.js";

export type ReleaseItem = { position: number; kind: "release"; release: ReleaseRow };
/** `subjectIds` is loaded with the statement because the `aboutPersonId` filter needs it. */
export type StatementItem = { position: number; kind: "statement"; statement: StatementRow; subjectIds: number[] };
export type FeedItem = ReleaseItem | StatementItem;
