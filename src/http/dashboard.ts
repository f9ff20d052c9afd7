// The pages a browser is shown: `/` leads to the dashboard and to GraphiQL, `/dashboard` is the
// live dashboard built into build/dashboard (npm run build:dashboard). Everything comes from this
// host; the Content-Security-Policy allows nothing else.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Plugin } from "graphql-yoga";
import { pathnameOf } from "./routes.js";

/** The folder holding package.json, however deep this module ends up after a build. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

export const PROJECT_ROOT = projectRoot(import.meta.dirname);
export const DASHBOARD_DIR = join(PROJECT_ROOT, "build/dashboard");

const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "style-src 'self'",
  "script-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // Rebuilt by every install and start: revalidate instead of trusting an old copy.
  "cache-control": "no-cache",
};

const FILES: Record<string, { file: string; type: string }> = {
  "/dashboard": { file: "index.html", type: "text/html; charset=utf-8" },
  "/dashboard/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/dashboard/main.js": { file: "main.js", type: "text/javascript; charset=utf-8" },
  "/dashboard/main.js.map": { file: "main.js.map", type: "application/json" },
  "/dashboard/main.js.LEGAL.txt": { file: "main.js.LEGAL.txt", type: "text/plain; charset=utf-8" },
  "/dashboard/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/dashboard/style.css.map": { file: "style.css.map", type: "application/json" },
};

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>exchange-graph</title></head>
<body><main><h1>exchange-graph</h1>
<p>A live GraphQL fact service about political prisoners and prisoner exchanges.</p>
<ul><li><a href="/dashboard">The live dashboard</a>: counters, latest releases and statements, search.</li>
<li><a href="/graphql">GraphiQL</a>: explore the schema and run queries at <code>/graphql</code>.</li></ul>
</main></body></html>
`;

/** Serves `/`, `/favicon.ico` and the dashboard's files; other paths go on to Yoga. */
export function useDashboard(directory = DASHBOARD_DIR): Plugin {
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== "GET" && request.method !== "HEAD") return;
      const path = pathnameOf(request.url);
      const respond = (body: string | Uint8Array | null, status: number, type?: string) =>
        endResponse(
          new fetchAPI.Response(request.method === "HEAD" ? null : (body as BodyInit | null), {
            status,
            headers: type ? { ...HEADERS, "content-type": type } : HEADERS,
          }),
        );
      if (path === "/") return respond(LANDING, 200, "text/html; charset=utf-8");
      if (path === "/favicon.ico") return respond(null, 204);
      const entry = FILES[path];
      if (!entry) return;
      try {
        return respond(await readFile(join(directory, entry.file)), 200, entry.type);
      } catch {
        return respond(
          "The dashboard has not been built: run `npm run build:dashboard` (npm install and npm start do).",
          503,
          "text/plain; charset=utf-8",
        );
      }
    },
  };
}
