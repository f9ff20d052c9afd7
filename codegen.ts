// GraphQL Code Generator (client preset): TypeScript types for the dashboard's operations, from the
// committed schema. `npm run codegen` writes src/dashboard/generated/; a test fails when what is
// committed there differs from what this config makes.
import type { CodegenConfig } from "@graphql-codegen/cli";

/** How each custom scalar travels in JSON, for clients: strictScalars refuses any left unmapped. */
export const SCALARS = {
  Date: "string",
  DateTime: "string",
  CountryCode: "string",
  JSON: "unknown",
};

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  // Every operation the dashboard sends lives in these files, as /* GraphQL */ strings.
  documents: ["src/dashboard/**/*.ts", "!src/dashboard/generated/**"],
  ignoreNoDocuments: false,
  // Imports with .js, as ES modules under NodeNext need.
  emitLegacyCommonJSImports: false,
  generates: {
    "src/dashboard/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        strictScalars: true,
        scalars: SCALARS,
        // The dashboard sends strings, not DocumentNodes: typed strings keep it free of graphql-js.
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        skipTypename: true,
      },
    },
  },
};

export default config;
