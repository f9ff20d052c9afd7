// How the service is bundled: for `npm start` (src/cli/build.ts), and for the bench's server
// child, so that the bench measures the code `npm start` runs rather than src/ through tsx.
// Node runs this file itself (type stripping): it imports nothing from src/.
import type { BuildOptions } from "esbuild";

/** `outfile` two folders below the project, as every src/ module that makes a path from
 * import.meta.url is (src/db/migrate.ts: ../../drizzle), so those paths resolve the same. */
export function serverBundle(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // PGlite loads its WebAssembly and data files from beside its own modules.
    // GraphiQL's build (9 MB of strings) is read from node_modules on its first request rather
    // than parsed with the bundle at every start.
    external: ["@electric-sql/pglite", "@graphql-yoga/render-graphiql"],
    // Dependencies published as CommonJS call require(), which an ES module bundle lacks.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    sourcemap: "linked",
    logLevel: "warning",
  };
}
