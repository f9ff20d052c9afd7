import { defineConfig } from "vitest/config";

export default defineConfig({
  // Node resolves the dependencies' \`import "graphql"\` to its CommonJS main (graphql 16 has no
  // exports map), while Vite would pick the ESM "module" build: two copies, and "Cannot use
  // GraphQLSchema from another module or realm". Point our imports at the copy Node uses.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: two files at a time, each with its own database.
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
