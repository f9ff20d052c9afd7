import SchemaBuilder from "@pothos/core";
import DrizzlePlugin from "@pothos/plugin-drizzle";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { getTableConfig } from "drizzle-orm/pg-core";
import { GraphQLError } from "graphql";
import { relations } from "../db/relations.js";
import type { Context } from "./context.js";
import { decodeGlobalId, encodeGlobalId } from "./global-id.js";

export const MAX_PAGE_SIZE = 100;
/** The builder's types with Pothos's defaults filled in, for helpers that take refs. */
export type Types = PothosSchemaTypes.ExtendDefaultTypes<PothosTypes>;
export const DEFAULT_PAGE_SIZE = 20;

export type PothosTypes = {
  Context: Context;
  DrizzleRelations: typeof relations;
  AuthScopes: { admin: boolean };
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    CountryCode: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
};

export const builder = new SchemaBuilder<PothosTypes>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, DrizzlePlugin],
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
      resolve: (_root, args, _ctx, _info, resolveNode) => nullWhenMissing(() => resolveNode(args.id)),
    },
    nodesQueryOptions: {
      description: "Fetches objects by their global ids, in the order given; null for each id that names nothing.",
      args: { ids: { description: "Global ids, as returned in `id` fields." } },
      resolve: async (_root, args, _ctx, _info, resolveNodes) => {
        try {
          return await resolveNodes(args.ids);
        } catch {
          // One id names nothing: resolve them one by one so the rest still load.
          return Promise.all(args.ids.map((id) => nullWhenMissing(async () => (await resolveNodes([id]))[0])));
        }
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
