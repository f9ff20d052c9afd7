// `npm run build`: the service as one JavaScript file, dist/server/main.js, for `npm start`. One
// file with its dependencies inside starts several times faster than src/ through a TypeScript
// loader, or than thousands of modules resolved and read one by one. `--if-stale` builds only when
// a source or the lock file is newer than the last build. Node runs this file itself (type
// stripping): it imports nothing from src/.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));
const src = join(root, "src");
const dist = join(root, "dist");
const stamp = join(dist, ".built");

/** Every file and folder beneath `dir` (a folder's mtime moves when a file in it is deleted). */
function pathsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...pathsUnder(path)] : [path];
  });
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

const paths = pathsUnder(src);
// The lock file too: an install may bring other versions of the dependencies the bundle holds.
const newest = Math.max(...[src, ...paths, join(root, "package-lock.json")].map(mtime));
const built = mtime(stamp);
if (process.argv.includes("--if-stale") && built >= newest) process.exit(0);

const started = performance.now();
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [join(src, "main.ts")],
  // Two levels down, as every src/ module that makes a path from import.meta.url is
  // (src/db/migrate.ts: ../../drizzle), so those paths resolve the same from the bundle.
  outfile: join(dist, "server", "main.js"),
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
});
// Read at run time by path (src/facts/seed.ts: ../data/), not imported.
mkdirSync(join(dist, "data"), { recursive: true });
for (const file of paths.filter((path) => relative(src, path).startsWith("data/") && path.endsWith(".json")))
  copyFileSync(file, join(dist, "data", relative(join(src, "data"), file)));
writeFileSync(stamp, `${new Date().toISOString()}\n`);
const ms = Math.round(performance.now() - started);
process.stderr.write(`built ${relative(root, join(dist, "server", "main.js"))} in ${ms} ms\n`);
