import SchemaBuilder from "@pothos/core";
import DrizzlePlugin from "@pothos/plugin-drizzle";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { inArray } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import { GraphQLError } from "graphql";
import type { Db } from "../db/client.js";
import { relations } from "../db/relations.js";
import type { AnyFactSpec } from "../facts/change.js";
import { FACT_KINDS } from "../facts/kinds.js";
import ColumnFieldsPlugin from "./column-fields.js";
import type { Context } from "./context.js";
import { decodeGlobalId, encodeGlobalId } from "./global-id.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./pagination.js";

/** The builder's types with Pothos's defaults filled in, for helpers that take refs. */
export type Types = PothosSchemaTypes.ExtendDefaultTypes<PothosTypes>;

export type PothosTypes = {
  Context: Context;
  DrizzleRelations: typeof relations;
  AuthScopes: { admin: boolean };
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date | string };
    CountryCode: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
};

export const builder = new SchemaBuilder<PothosTypes>({
  // ColumnFieldsPlugin just before DrizzlePlugin: resolvers are wrapped last plugin first, so it
  // sees the drizzle plugin's wrapper and nothing else.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, ColumnFieldsPlugin, DrizzlePlugin],
  defaultFieldNullability: false,
  drizzle: {
    client: (ctx) => ctx.db,
    relations,
    getTableConfig,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    nodeTypeOptions: { description: "An object with an opaque global id that `node(id:)` resolves." },
    pageInfoTypeOptions: { description: "Where a page sits in its connection." },
    nodeQueryOptions: {
      description: "Fetches any object by its global id; null when none has it.",
      args: { id: { description: "A global id, as returned in any `id` field." } },
      // An id of a type that has no rows (an interface, a name we never used) names nothing, as
      // a missing row does; Pothos would throw its own internal message for it.
      resolve: (_root, args, _ctx, _info, resolveNode) =>
        args.id.typename in nodeTables ? nullWhenMissing(() => resolveNode(args.id)) : null,
    },
    nodesQueryOptions: {
      description: "Fetches objects by their global ids, in the order given; null for each id that names nothing.",
      args: { ids: { description: "Global ids, as returned in `id` fields." } },
      // The drizzle plugin rejects the whole batch when one row is missing, so ask first which
      // exist (one query per type). The relay plugin's resolveNodes ignores its argument and
      // reads args.ids, so the missing ids are blanked there.
      resolve: async (_root, args, ctx, _info, resolveNodes) => {
        const existing = await existingNodes(ctx.db, args.ids);
        const present = args.ids.map((id) => (existing.has(`${id.typename}:${id.id}`) ? id : null));
        (args as { ids: unknown[] }).ids = present;
        return resolveNodes(args.ids);
      },
    },
    idFieldOptions: { description: "Opaque global id, stable across releases of the service." },
    cursorFieldOptions: { description: "Opaque cursor of this edge, for `after:`/`before:`." },
    nodeFieldOptions: { description: "The object at this edge." },
    edgesFieldOptions: { description: "The edges of this page." },
    nodesOnConnection: { description: "The objects of this page, without cursors." },
    pageInfoFieldOptions: { description: "Cursors and flags for fetching further pages." },
    hasNextPageFieldOptions: { description: "Whether more items follow this page." },
    hasPreviousPageFieldOptions: { description: "Whether items precede this page." },
    startCursorFieldOptions: { description: "Cursor of the first item of this page." },
    endCursorFieldOptions: { description: "Cursor of the last item of this page." },
    firstArgOptions: { description: `Page size from the start, 0 to ${MAX_PAGE_SIZE}.` },
    lastArgOptions: { description: `Page size from the end, 0 to ${MAX_PAGE_SIZE}.` },
    afterArgOptions: { description: "Return items after this cursor." },
    beforeArgOptions: { description: "Return items before this cursor." },
  },
  scopeAuth: {
    authScopes: (ctx) => ({ admin: ctx.viewer.admin }),
    unauthorizedError: (_parent, context) =>
      context.viewer.admin
        ? new ForbiddenError()
        : context.viewer.reason === "none"
          ? new UnauthenticatedError()
          : new ForbiddenError(),
  },
  errors: { defaultTypes: [] },
});

/** The table of each fact type that `node(id:)` answers, from the one list of kinds. */
const nodeTables = Object.fromEntries(
  Object.values(FACT_KINDS).map(({ spec }) => [spec.typename, spec.table] as const),
) as Record<string, AnyFactSpec["table"]>;

/** Which of these global ids name a row that exists, as "Type:id" keys. */
async function existingNodes(db: Db, ids: readonly { typename: string; id: string }[]): Promise<Set<string>> {
  const byType = new Map<string, number[]>();
  for (const { typename, id } of ids) {
    if (!(typename in nodeTables)) continue;
    const list = byType.get(typename) ?? [];
    list.push(Number(id));
    byType.set(typename, list);
  }
  const found = new Set<string>();
  await Promise.all(
    [...byType].map(async ([typename, list]) => {
      const table = nodeTables[typename] as AnyFactSpec["table"];
      const rows = await db.select({ id: table.id }).from(table).where(inArray(table.id, list));
      for (const row of rows) found.add(`${typename}:${row.id}`);
    }),
  );
  return found;
}

/** The drizzle plugin rejects a node whose row does not exist; for `node(id:)` that is null. */
async function nullWhenMissing(load: () => unknown): Promise<unknown> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof Error && /^Model \w+\(.*\) not found$/.test(error.message)) return null;
    throw error;
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor() {
    super("An admin token is required: send `Authorization: Bearer <token>`.", {
      extensions: { code: "UNAUTHENTICATED" },
    });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor() {
    super("This token is not an admin token, or it has been revoked.", {
      extensions: { code: "FORBIDDEN" },
    });
  }
}
