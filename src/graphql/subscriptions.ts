// releaseAdded and statementAdded: replay after a cursor, then live, filtered on the server.
import { GraphQLError } from "graphql";
import type { ReleaseRow, StatementRow } from "../facts/write.js";
import { decodeCursor, encodeCursor } from "../feed/cursor.js";
import type { FeedFilter } from "../feed/filter.js";
import type { FeedHub } from "../feed/hub.js";
import { feedHead } from "../feed/read.js";
import { type Delivery, FeedSubscription, OVERFLOW, UNAVAILABLE } from "../feed/subscription.js";
import { builder } from "./builder.js";
import { idOf } from "./global-id.js";
import { ReleaseRef } from "./release.js";
import { StatementRef } from "./statement.js";

function badCursor(cursor: string, why: string): GraphQLError {
  const shown = cursor.length > 60 ? `${cursor.slice(0, 60)}…` : cursor;
  return new GraphQLError(`Argument "after": "${shown}" ${why}.`, { extensions: { code: "BAD_USER_INPUT" } });
}

function positionOf(cursor: string): number {
  const position = decodeCursor(cursor);
  if (position === undefined)
    throw badCursor(cursor, "is not a cursor of this subscription; use the `cursor` of an event");
  return position;
}

/** Starts a subscription; a cursor beyond the end of the feed comes from another database. */
async function subscribe(hub: FeedHub, after: string | null | undefined, filter: FeedFilter) {
  const position = after == null ? undefined : positionOf(after);
  if (position !== undefined && position > hub.position && position > (await feedHead(hub.database.db))) {
    throw badCursor(after as string, "is beyond the end of the feed: it was not issued by this service");
  }
  return new FeedSubscription(hub, { after: position, filter, queueLimit: hub.queueLimit });
}

const RESUME =
  "Subscribe again with `after:` set to the last cursor you received: everything since then is replayed, in order.";

/** The last result of a subscription that had to end; throws the error that tells the client why. */
function ended(delivery: typeof OVERFLOW | typeof UNAVAILABLE, limit: number): never {
  if (delivery === OVERFLOW) {
    throw new GraphQLError(`This subscription fell more than ${limit} events behind and was closed. ${RESUME}`, {
      extensions: { code: "SUBSCRIPTION_OVERFLOW", queueLimit: limit },
    });
  }
  throw new GraphQLError(`The feed could not be read: the database is unavailable. ${RESUME}`, {
    extensions: { code: "DATABASE_UNAVAILABLE" },
  });
}

const CURSOR_DESCRIPTION =
  "Opaque, totally ordered position of this event in the feed. Pass the last one you received as `after:` to resume without missing or repeating an event.";
const AFTER_DESCRIPTION =
  "Resume after this `cursor`: every matching event since is sent first, in order, then live ones. Without it the subscription starts now.";
const SLOW_CLIENTS =
  "A client that falls more than SUBSCRIPTION_QUEUE_LIMIT events (1000 by default) behind receives a SUBSCRIPTION_OVERFLOW error and the subscription ends; resubscribing with `after:` its last cursor loses nothing.";

type ReleaseEvent = { cursor: string; release: ReleaseRow };
type StatementEvent = { cursor: string; statement: StatementRow };

const ReleaseAddedEvent = builder.objectRef<ReleaseEvent>("ReleaseAddedEvent").implement({
  description: "A release, pushed once the transaction that recorded it has committed.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: CURSOR_DESCRIPTION }),
    release: t.drizzleField({
      type: ReleaseRef,
      description: "The release recorded.",
      resolve: (query, event, _args, ctx) => {
        // One statement with the nested selection (shared-execution.ts runs it once per
        // operation); if the database went away since the feed was read, the row already read
        // still serves the scalar fields.
        return ctx.db.query.release
          .findFirst(query({ where: { id: event.release.id } }))
          .then((row) => row ?? event.release)
          .catch(() => event.release);
      },
    }),
  }),
});

const StatementAddedEvent = builder.objectRef<StatementEvent>("StatementAddedEvent").implement({
  description: "A statement, pushed once the transaction that recorded it has committed.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: CURSOR_DESCRIPTION }),
    statement: t.drizzleField({
      type: StatementRef,
      description: "The statement recorded.",
      resolve: (query, event, _args, ctx) => {
        // One statement with the nested selection (shared-execution.ts runs it once per
        // operation); if the database went away since the feed was read, the row already read
        // still serves the scalar fields.
        return ctx.db.query.statement
          .findFirst(query({ where: { id: event.statement.id } }))
          .then((row) => row ?? event.statement)
          .catch(() => event.statement);
      },
    }),
  }),
});

builder.subscriptionFields((t) => ({
  releaseAdded: t.field({
    type: ReleaseAddedEvent,
    description: `Releases as they are recorded, on every server instance, filtered on the server. ${SLOW_CLIENTS}`,
    args: {
      exchangeId: t.arg.id({ description: "Only releases in this exchange." }),
      fromCountry: t.arg({ type: "CountryCode", description: "Only releases by this state." }),
      toCountry: t.arg({ type: "CountryCode", description: "Only releases to this state." }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) => {
      return subscribe(ctx.feed, args.after, {
        kind: "release",
        exchangeId: args.exchangeId ? idOf(args.exchangeId, "ExchangeEvent") : undefined,
        fromCountry: args.fromCountry ?? undefined,
        toCountry: args.toCountry ?? undefined,
      });
    },
    resolve: (delivery: Delivery, _args, ctx): ReleaseEvent => {
      if (delivery === OVERFLOW || delivery === UNAVAILABLE) ended(delivery, ctx.feed.queueLimit);
      if (delivery.kind !== "release") throw new Error("a statement reached releaseAdded");
      return { cursor: encodeCursor(delivery.position), release: delivery.release };
    },
  }),
  statementAdded: t.field({
    type: StatementAddedEvent,
    description: `Statements as they are recorded, on every server instance, filtered on the server. ${SLOW_CLIENTS}`,
    args: {
      speakerId: t.arg.id({ description: "Only statements by this person." }),
      aboutPersonId: t.arg.id({ description: "Only statements about this person." }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) => {
      return subscribe(ctx.feed, args.after, {
        kind: "statement",
        speakerId: args.speakerId ? idOf(args.speakerId, "Person") : undefined,
        aboutId: args.aboutPersonId ? idOf(args.aboutPersonId, "Person") : undefined,
      });
    },
    resolve: (delivery: Delivery, _args, ctx): StatementEvent => {
      if (delivery === OVERFLOW || delivery === UNAVAILABLE) ended(delivery, ctx.feed.queueLimit);
      if (delivery.kind !== "statement") throw new Error("a release reached statementAdded");
      return { cursor: encodeCursor(delivery.position), statement: delivery.statement };
    },
  }),
}));
