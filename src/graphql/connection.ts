import type { ObjectRef } from "@pothos/core";
import { builder, type Types } from "./builder.js";

type TotalCount = number | (() => number | Promise<number>) | undefined;

/**
 * One named Relay connection type per node type (`StatementConnection`), shared by root fields
 * and relations alike, with `totalCount`. Root connections hand Pothos a count thunk; related
 * connections a number counted in the same SQL statement.
 */
export function connectionType<T>(node: ObjectRef<Types, T>, name: string) {
  return builder.connectionObject(
    {
      type: node,
      name: `${name}Connection`,
      description: `A page of ${name} objects.`,
      fields: (t) => ({
        totalCount: t.int({
          description: "How many items match, across all pages.",
          extensions: { pothosDrizzleTotalCount: true },
          resolve: async (connection) => {
            const count = (connection as { totalCount?: TotalCount }).totalCount;
            return (typeof count === "function" ? await count() : count) ?? 0;
          },
        }),
      }),
    },
    { name: `${name}Edge`, description: `A ${name} in a page, with its cursor.` },
  );
}
