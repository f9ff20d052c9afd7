// GraphiQL served whole by the service: Yoga's own GraphiQL build, as the npm package
// @graphql-yoga/render-graphiql ships it, split into files under /graphiql/ so that the page
// needs no CDN, works offline, and runs under a Content-Security-Policy of 'self' only (the
// package's own page inlines its script, styles and workers, which such a policy forbids).
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { Plugin } from "graphql-yoga";
import { pathnameOf } from "./routes.js";

/** Where the assets are served. */
export const GRAPHIQL_ASSETS = "/graphiql/";

/**
 * Sent with the GraphiQL page: scripts, workers, connections, fonts and images from this origin
 * only, no inline script, no framing. Inline styles are allowed because GraphiQL's editor
 * (Monaco) writes its theme and layout as <style> elements at run time; without them the page
 * works but loses its colours and lays text over text.
 */
export const GRAPHIQL_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'";

/** Monaco's worker labels → the files that hold them. */
const WORKERS = { editorWorkerService: "editor.worker.js", json: "json.worker.js", graphql: "graphql.worker.js" };

// Runs after graphiql.js: points Monaco at the worker files and renders, with the options that
// the page carries as JSON (a data block, which the policy allows, unlike an inline script).
const START = `"use strict";
(function () {
  var base = document.currentScript.src.replace(/[^/]*$/, "");
  var workers = ${JSON.stringify(WORKERS)};
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) { return base + (workers[label] || workers.editorWorkerService); },
  };
  var options = JSON.parse(document.getElementById("graphiql-options").textContent);
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root"), options);
})();
`;

type Asset = { type: string; body: Buffer; etag: string; gzipped?: Promise<Buffer> };

const JS = "text/javascript; charset=utf-8";

const EXTENSIONS: Record<string, string> = {
  "font/woff2": "woff2",
  "font/woff": "woff",
  "font/ttf": "ttf",
  "image/png": "png",
  "image/svg+xml": "svg",
};
const DATA_URL = /url\((["']?)data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)\1\)/g;

const digest = (body: Buffer) => createHash("sha256").update(body).digest("base64url").slice(0, 22);

async function loadAssets(): Promise<Map<string, Asset>> {
  // 9 MB of strings: loaded on the first GraphiQL request, not at start.
  const build = await import("@graphql-yoga/render-graphiql/graphiql");
  const files = new Map<string, Asset>();
  const add = (name: string, type: string, body: Buffer) => files.set(name, { type, body, etag: `"${digest(body)}"` });
  // The stylesheet embeds its fonts and images as data: URLs, which a 'self' policy refuses:
  // each becomes a file of its own beside the stylesheet.
  const css = build.css.replace(DATA_URL, (match, _quote: string, type: string, base64: string) => {
    const extension = EXTENSIONS[type];
    if (!extension) return match;
    const body = Buffer.from(base64, "base64");
    const name = `${digest(body)}.${extension}`;
    add(name, type, body);
    return `url(${name})`;
  });
  add("graphiql.css", "text/css; charset=utf-8", Buffer.from(css));
  add("graphiql.js", JS, Buffer.from(build.js));
  add(WORKERS.editorWorkerService, JS, Buffer.from(build.editorWorkerService));
  add(WORKERS.json, JS, Buffer.from(build.jsonWorker));
  add(WORKERS.graphql, JS, Buffer.from(build.graphqlWorker));
  add("start.js", JS, Buffer.from(START));
  const favicon = /^data:([^;]+);base64,(.*)$/.exec(build.favicon);
  if (favicon) add("favicon.ico", favicon[1] ?? "image/x-icon", Buffer.from(favicon[2] ?? "", "base64"));
  return files;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The GraphiQL page: markup only; everything it runs comes from GRAPHIQL_ASSETS. */
export function renderGraphiql(options: Record<string, unknown>): string {
  const title = typeof options.title === "string" ? options.title : "GraphiQL";
  // `<` escaped so that no string in the options can end the data block.
  const json = JSON.stringify(options).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="${GRAPHIQL_ASSETS}favicon.ico" />
    <link rel="stylesheet" href="${GRAPHIQL_ASSETS}graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript. Without it, send queries to this URL with POST or GET.</noscript>
    <div id="root"></div>
    <script id="graphiql-options" type="application/json">${json}</script>
    <script src="${GRAPHIQL_ASSETS}graphiql.js"></script>
    <script src="${GRAPHIQL_ASSETS}start.js"></script>
  </body>
</html>
`;
}

/**
 * Serves the GraphiQL assets (gzipped for clients that take it, revalidated by ETag) and puts
 * GRAPHIQL_CSP on the GraphiQL page.
 */
export function useGraphiql(endpoint: string): Plugin {
  let assets: Promise<Map<string, Asset>> | undefined;
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const path = pathnameOf(request.url);
      if (!path.startsWith(GRAPHIQL_ASSETS)) return;
      if (request.method !== "GET" && request.method !== "HEAD") return;
      assets ??= loadAssets();
      return assets.then(async (files) => {
        const asset = files.get(path.slice(GRAPHIQL_ASSETS.length));
        if (!asset) return endResponse(new fetchAPI.Response("Not found", { status: 404 }));
        const headers: Record<string, string> = {
          "content-type": asset.type,
          etag: asset.etag,
          "cache-control": "no-cache",
          "x-content-type-options": "nosniff",
          vary: "Accept-Encoding",
        };
        if (request.headers.get("if-none-match") === asset.etag) {
          return endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        }
        let body = asset.body;
        if (/\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")) {
          asset.gzipped ??= promisify(gzip)(asset.body);
          body = await asset.gzipped;
          headers["content-encoding"] = "gzip";
        }
        headers["content-length"] = String(body.length);
        endResponse(new fetchAPI.Response(request.method === "HEAD" ? null : new Uint8Array(body), { headers }));
      });
    },
    onResponse({ request, response }) {
      // The method first: reading a fetch Response's headers costs more than that, on every answer.
      if (request.method !== "GET" || !response.headers.get("content-type")?.startsWith("text/html")) return;
      if (pathnameOf(request.url) === endpoint) response.headers.set("content-security-policy", GRAPHIQL_CSP);
    },
  };
}
