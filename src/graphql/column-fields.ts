// The drizzle plugin wraps every `t.expose*` field of a drizzle type in a resolver that looks up
// the row's selection plan (and records it) before reading the column: about 300 lookups for a
// page of 15 releases with their persons, sentences and statements, a sixth of the CPU of such a
// request. For a type whose selection is the whole row (no type-level `select`), every row the
// plan loads carries every column, and so does every row a resolver returns from its own query
// (mutations, subscriptions), so an exposed column can be read straight off the row. This plugin
// drops the column selection of those fields, which leaves them unwrapped, with graphql's default
// resolver (the column selection adds nothing to a plan that loads every column anyway).
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";

const pluginName = "columnFields";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      columnFields: ColumnFieldsPlugin<Types>;
    }
  }
}

type Extensions = { pothosDrizzleVariant?: unknown; pothosDrizzleSelect?: unknown } | undefined;

export class ColumnFieldsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const extensions = fieldConfig.extensions as Extensions;
    if (fieldConfig.kind !== "DrizzleObject" || typeof extensions?.pothosDrizzleVariant !== "string")
      return fieldConfig;
    const typeSelection = (this.buildCache.getTypeConfig(fieldConfig.parentType).extensions as Extensions)
      ?.pothosDrizzleSelect;
    // Only where the type loads whole rows: with a type-level `select`, the field's own column
    // selection is what brings the column into the query.
    if (typeSelection !== true) return fieldConfig;
    return { ...fieldConfig, extensions: { ...fieldConfig.extensions, pothosDrizzleSelect: undefined } };
  }
}

SchemaBuilder.registerPlugin(pluginName, ColumnFieldsPlugin);

export default pluginName;
