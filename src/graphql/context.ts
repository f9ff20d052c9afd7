import type { ResponseCache } from "../cache/response-cache.js";
import type { Db } from "../db/client.js";
import type { FeedHub } from "../feed/hub.js";
import type { Logger } from "../logger.js";
import type { SearchLane } from "./search.js";

/** Who is calling: anonymous, or an admin identified by the name of their key. */
export type Viewer = { admin: false; reason: "none" | "invalid" } | { admin: true; keyName: string };

export type Context = {
  db: Db;
  viewer: Viewer;
  requestId: string;
  /** The service logger; include `requestId` in what you log. */
  log: Logger;
  /** This process's feed reader, for subscriptions. */
  feed: FeedHub;
  /** Where searches queue for the database. */
  searches: SearchLane;
  /** This process's response cache, when on: a mutation says here what it wrote. */
  responseCache?: ResponseCache | undefined;
};
