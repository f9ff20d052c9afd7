// releaseAdded and statementAdded (additions), releaseChanged, statementChanged and factChanged
// (every change): replay after a cursor, then live, filtered on the server. One feed, so any
// cursor resumes any of them.
import { brandWithType } from "@pothos/core";
import { GraphQLError } from "graphql";
import type { FactChange, FactKindName } from "../facts/history.js";
import { FACT_KINDS } from "../facts/kinds.js";
import type { ReleaseRow, StatementRow } from "../facts/write.js";
import { decodeCursor, encodeCursor } from "../feed/cursor.js";
import type { FeedFilter } from "../feed/filter.js";
import type { FeedHub } from "../feed/hub.js";
import type { FeedItem } from "../feed/item.js";
import { feedHead } from "../feed/read.js";
import { type Delivery, FeedSubscription, OVERFLOW, UNAVAILABLE } from "../feed/subscription.js";
import { builder } from "./builder.js";
import { apiFields, apiValues, FactChangeEnum, FactKindEnum } from "./facts.js";
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
        changes: "added",
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
        changes: "added",
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

type ChangedEvent<Row> = {
  cursor: string;
  change: FactChange;
  row: Row;
  changedFields: string[];
  previous: Record<string, unknown> | null;
};

const CHANGE_DESCRIPTION = "ADDED, UPDATED or RETRACTED.";
const CHANGED_FIELDS_DESCRIPTION =
  "The fields an UPDATED change replaced, as Update…Input names them (`mergedInto` for a person MERGED into another); empty otherwise.";
const PREVIOUS_DESCRIPTION =
  "For an UPDATED change, the changed fields' values before it (references as global ids); null otherwise.";

/** The fields before an UPDATED change, as the API shows them. */
function previousOf(delivery: FeedItem): Record<string, unknown> | null {
  if (delivery.change !== "UPDATED" || !delivery.before) return null;
  const before = delivery.before;
  return apiValues(Object.fromEntries(delivery.changedFields.map((field) => [field, before[field] ?? null])));
}

function changedEvent<Row>(delivery: FeedItem, row: Row): ChangedEvent<Row> {
  return {
    cursor: encodeCursor(delivery.position),
    change: delivery.change,
    row,
    changedFields: apiFields(delivery.changedFields),
    previous: previousOf(delivery),
  };
}

const ReleaseChangedEvent = builder.objectRef<ChangedEvent<ReleaseRow>>("ReleaseChangedEvent").implement({
  description: "A release added, corrected or retracted, pushed once the change has committed.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: CURSOR_DESCRIPTION }),
    change: t.field({ type: FactChangeEnum, description: CHANGE_DESCRIPTION, resolve: (e) => e.change }),
    release: t.drizzleField({
      type: ReleaseRef,
      description: "The release as it stands now (a retracted one has its `retraction` set).",
      resolve: (query, event, _args, ctx) =>
        ctx.db.query.release
          .findFirst(query({ where: { id: event.row.id } }))
          .then((row) => row ?? event.row)
          .catch(() => event.row),
    }),
    changedFields: t.exposeStringList("changedFields", { description: CHANGED_FIELDS_DESCRIPTION }),
    previous: t.field({ type: "JSON", nullable: true, description: PREVIOUS_DESCRIPTION, resolve: (e) => e.previous }),
  }),
});

const StatementChangedEvent = builder.objectRef<ChangedEvent<StatementRow>>("StatementChangedEvent").implement({
  description: "A statement added, corrected or retracted, pushed once the change has committed.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: CURSOR_DESCRIPTION }),
    change: t.field({ type: FactChangeEnum, description: CHANGE_DESCRIPTION, resolve: (e) => e.change }),
    statement: t.drizzleField({
      type: StatementRef,
      description: "The statement as it stands now (a retracted one has its `retraction` set).",
      resolve: (query, event, _args, ctx) =>
        ctx.db.query.statement
          .findFirst(query({ where: { id: event.row.id } }))
          .then((row) => row ?? event.row)
          .catch(() => event.row),
    }),
    changedFields: t.exposeStringList("changedFields", { description: CHANGED_FIELDS_DESCRIPTION }),
    previous: t.field({ type: "JSON", nullable: true, description: PREVIOUS_DESCRIPTION, resolve: (e) => e.previous }),
  }),
});

type FactEvent = { cursor: string; kind: FactKindName; change: FactChange; id: number; changedFields: string[] };

const FactChangedEvent = builder.objectRef<FactEvent>("FactChangedEvent").implement({
  description: "A fact of any kind added, corrected, retracted or (a person) merged.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: CURSOR_DESCRIPTION }),
    kind: t.field({ type: FactKindEnum, description: "Which kind of fact.", resolve: (e) => e.kind }),
    change: t.field({
      type: FactChangeEnum,
      description: "ADDED, UPDATED, RETRACTED or MERGED.",
      resolve: (e) => e.change,
    }),
    node: t.field({
      type: builder.nodeInterfaceRef(),
      description: "The fact as it stands now; ask for its fields with `... on Release { … }`.",
      resolve: async (event, _args, ctx) => {
        const { typename } = FACT_KINDS[event.kind].spec;
        const table = ctx.db.query[event.kind] as unknown as { findFirst: (q: object) => Promise<object | undefined> };
        const row = await table.findFirst({ where: { id: event.id } });
        if (!row) throw new Error(`${typename} ${event.id} announced by the feed is missing`);
        brandWithType(row, typename as never);
        return row;
      },
    }),
    changedFields: t.exposeStringList("changedFields", { description: CHANGED_FIELDS_DESCRIPTION }),
  }),
});

const CHANGES =
  "Additions, corrections and retractions; a filter matches a change when the values before it or after it match, so a release corrected from RU to US reaches subscribers of either.";

builder.subscriptionFields((t) => ({
  releaseChanged: t.field({
    type: ReleaseChangedEvent,
    description: `Every change of a release, on every server instance, filtered on the server. ${CHANGES} ${SLOW_CLIENTS}`,
    args: {
      exchangeId: t.arg.id({ description: "Only releases in this exchange (before or after the change)." }),
      fromCountry: t.arg({ type: "CountryCode", description: "Only releases by this state (before or after)." }),
      toCountry: t.arg({ type: "CountryCode", description: "Only releases to this state (before or after)." }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) =>
      subscribe(ctx.feed, args.after, {
        kind: "release",
        changes: "all",
        exchangeId: args.exchangeId ? idOf(args.exchangeId, "ExchangeEvent") : undefined,
        fromCountry: args.fromCountry ?? undefined,
        toCountry: args.toCountry ?? undefined,
      }),
    resolve: (delivery: Delivery, _args, ctx) => {
      if (delivery === OVERFLOW || delivery === UNAVAILABLE) ended(delivery, ctx.feed.queueLimit);
      if (delivery.kind !== "release") throw new Error("another kind reached releaseChanged");
      return changedEvent(delivery, delivery.release);
    },
  }),
  statementChanged: t.field({
    type: StatementChangedEvent,
    description: `Every change of a statement, on every server instance, filtered on the server. ${CHANGES} ${SLOW_CLIENTS}`,
    args: {
      speakerId: t.arg.id({ description: "Only statements by this person (before or after the change)." }),
      aboutPersonId: t.arg.id({ description: "Only statements about this person (before or after)." }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) =>
      subscribe(ctx.feed, args.after, {
        kind: "statement",
        changes: "all",
        speakerId: args.speakerId ? idOf(args.speakerId, "Person") : undefined,
        aboutId: args.aboutPersonId ? idOf(args.aboutPersonId, "Person") : undefined,
      }),
    resolve: (delivery: Delivery, _args, ctx) => {
      if (delivery === OVERFLOW || delivery === UNAVAILABLE) ended(delivery, ctx.feed.queueLimit);
      if (delivery.kind !== "statement") throw new Error("another kind reached statementChanged");
      return changedEvent(delivery, delivery.statement);
    },
  }),
  factChanged: t.field({
    type: FactChangedEvent,
    description: `Every change of every kind of fact, merges included, on every server instance. ${SLOW_CLIENTS}`,
    args: {
      kinds: t.arg({ type: [FactKindEnum], description: "Only these kinds of fact; every kind when left out." }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) =>
      subscribe(ctx.feed, args.after, { kind: "facts", kinds: args.kinds ? [...args.kinds] : undefined }),
    resolve: (delivery: Delivery, _args, ctx): FactEvent => {
      if (delivery === OVERFLOW || delivery === UNAVAILABLE) ended(delivery, ctx.feed.queueLimit);
      return {
        cursor: encodeCursor(delivery.position),
        kind: delivery.kind,
        change: delivery.change,
        id: delivery.id,
        changedFields: apiFields(delivery.changedFields),
      };
    },
  }),
}));
