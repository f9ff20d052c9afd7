// What the feed hands its subscribers: one change of one fact, at its position in the feed.
import type { FactChange, FactKindName, FactValues } from "../facts/history.js";
import type { ReleaseRow, StatementRow } from "../facts/write.js";

type Change = {
  position: number;
  change: FactChange;
  /** The fact's database id. */
  id: number;
  /** Its version after this change. */
  version: number;
  /** Its values after this change (Update…Input names, references as database ids). */
  values: FactValues;
  /** Its values before this change; undefined for an addition. */
  before?: FactValues | undefined;
  /** The fields this change replaced; empty for an addition or a retraction. */
  changedFields: string[];
};

/** A release or statement carries its row as it stands now, for the subscription resolvers. */
export type ReleaseItem = Change & { kind: "release"; release: ReleaseRow };
/** `subjectIds` at this version, for the `aboutPersonId` filter. */
export type StatementItem = Change & { kind: "statement"; statement: StatementRow; subjectIds: number[] };
export type OtherItem = Change & { kind: Exclude<FactKindName, "release" | "statement"> };
export type FeedItem = ReleaseItem | StatementItem | OtherItem;
