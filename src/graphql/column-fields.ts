// Every drizzle type of the public API loads only the columns a query asks for (a type-level
// `select` with no columns of its own), so each `t.expose*` field carries its column selection
// for the plan. The drizzle plugin also wraps each such field in a resolver that looks up the
// row's selection plan (and records it) before reading the column: hundreds of lookups for a
// page of releases with their persons, sentences and statements. The column was planned along
// with the field, so it is on every row a plan loads, and every row a resolver returns from its
// own query (mutations, subscriptions) carries every column: the plain read of the column is
// enough. This plugin sits just outside the drizzle plugin and hands such a field its plain
// resolver back, so the other plugins still wrap it as they would.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";

const pluginName = "columnFields";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      columnFields: ColumnFieldsPlugin<Types>;
    }
  }
}

type Extensions = { pothosDrizzleVariant?: unknown; pothosDrizzleSelect?: unknown } | undefined;

/** `{ columns: { [column]: true } }` and nothing else: what `t.expose*` selects. */
function selectsOnlyItsColumn(select: unknown, column: string): boolean {
  if (typeof select !== "object" || select === null) return false;
  const keys = Object.keys(select);
  const columns = (select as { columns?: Record<string, unknown> }).columns;
  return keys.length === 1 && columns !== undefined && Object.keys(columns).length === 1 && columns[column] === true;
}

export class ColumnFieldsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const extensions = fieldConfig.extensions as Extensions;
    const column = extensions?.pothosDrizzleVariant;
    if (fieldConfig.kind !== "DrizzleObject" || typeof column !== "string" || !fieldConfig.resolve) return resolver;
    if (!selectsOnlyItsColumn(extensions?.pothosDrizzleSelect, column)) return resolver;
    return fieldConfig.resolve as GraphQLFieldResolver<unknown, Types["Context"], object>;
  }
}

SchemaBuilder.registerPlugin(pluginName, ColumnFieldsPlugin);

export default pluginName;
