// npm run build:dashboard: bundles the dashboard page (src/dashboard) with its npm dependencies
// into build/dashboard, which the service serves at /dashboard. Run at install, before start and
// before the tests, so a fresh clone never serves a stale or missing page.
import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { DASHBOARD_DIR, PROJECT_ROOT } from "../http/dashboard.js";

const source = join(PROJECT_ROOT, "src/dashboard");

await rm(DASHBOARD_DIR, { recursive: true, force: true });
await mkdir(DASHBOARD_DIR, { recursive: true });
await build({
  entryPoints: [join(source, "main.ts"), join(source, "style.css")],
  outdir: DASHBOARD_DIR,
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
await copyFile(join(source, "index.html"), join(DASHBOARD_DIR, "index.html"));
