// Query.feedCursor: where a client that has just read the facts starts its subscriptions, so
// that nothing committed between its read and its subscribe is missed.
import { encodeCursor } from "../feed/cursor.js";
import { feedHead } from "../feed/read.js";
import { builder } from "./builder.js";

builder.queryField("feedCursor", (t) =>
  t.string({
    description:
      "The feed's current position, as a subscription `cursor`. Read it before your other queries, then subscribe with `after:` it: every fact committed since arrives, none is missed (one already in your query results may arrive again, as the same object).",
    resolve: async (_root, _args, ctx) => encodeCursor(await feedHead(ctx.db)),
  }),
);
