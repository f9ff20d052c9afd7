// `npm run build`: the service as one JavaScript file, dist/server/main.js, for `npm start`. One
// file with its dependencies inside starts several times faster than src/ through a TypeScript
// loader, or than thousands of modules resolved and read one by one. `--if-stale` builds only when
// a source or the lock file is newer than the last build. Node runs this file itself (type
// stripping): it imports nothing from src/ but the bundle's options.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { serverBundle } from "./bundle-options.ts";

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
// Only what this build writes: dist/ holds others' output too (the bench builds dist/bench/ and
// runs this build with --if-stale partway through, while its own bundle is in use).
for (const owned of ["server", "data"]) rmSync(join(dist, owned), { recursive: true, force: true });
await build(serverBundle(join(src, "main.ts"), join(dist, "server", "main.js")));
// Read at run time by path (src/facts/seed.ts: ../data/), not imported.
mkdirSync(join(dist, "data"), { recursive: true });
for (const file of paths.filter((path) => relative(src, path).startsWith("data/") && path.endsWith(".json")))
  copyFileSync(file, join(dist, "data", relative(join(src, "data"), file)));
writeFileSync(stamp, `${new Date().toISOString()}\n`);
const ms = Math.round(performance.now() - started);
process.stderr.write(`built ${relative(root, join(dist, "server", "main.js"))} in ${ms} ms\n`);
