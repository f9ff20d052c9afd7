// GraphiQL comes whole from the service: it renders in Chromium and runs a query with every
// request going to 127.0.0.1, under a Content-Security-Policy of 'self' only.
import { existsSync } from "node:fs";
import type { Request as BrowserRequest } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPHIQL_CSP } from "../src/http/graphiql.js";
import { describeBrowser, launchBrowser, screenshotPath, type TestBrowser, watchPage } from "./support/browser.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const origin = () => server.url.replace("/graphql", "");

describe("the GraphiQL page over HTTP", () => {
  it("refers only to this service's own files and carries a 'self'-only CSP", async () => {
    const response = await fetch(server.url, { headers: { accept: "text/html" } });
    expect(response.headers.get("content-security-policy")).toBe(GRAPHIQL_CSP);
    expect(GRAPHIQL_CSP).toMatch(/^default-src 'self';/);
    // Only styles may be inline (Monaco writes <style> elements); nothing from elsewhere.
    expect(GRAPHIQL_CSP.replace("style-src 'self' 'unsafe-inline'", "")).not.toMatch(/unsafe|https?:|data:|blob:|\*/);
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\/|\/\/unpkg|cdn/i);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/graphiql\//);
      const asset = await fetch(`${origin()}${ref}`);
      expect(asset.status, ref).toBe(200);
      await asset.arrayBuffer();
    }
  });

  it("serves the assets gzipped and revalidates them by ETag", async () => {
    const plain = await fetch(`${origin()}/graphiql/graphiql.js`, { headers: { "accept-encoding": "identity" } });
    const size = (await plain.arrayBuffer()).byteLength;
    expect(plain.headers.get("content-type")).toMatch(/javascript/);
    const zipped = await fetch(`${origin()}/graphiql/graphiql.js`, { headers: { "accept-encoding": "gzip" } });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(Number(zipped.headers.get("content-length"))).toBeLessThan(size / 2);
    await zipped.arrayBuffer();
    const etag = plain.headers.get("etag") ?? "";
    const again = await fetch(`${origin()}/graphiql/graphiql.js`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const missing = await fetch(`${origin()}/graphiql/nothing.js`);
    expect(missing.status).toBe(404);
    await missing.text();
  });

  it("is not served with GRAPHIQL=false, nor are its files", async () => {
    const off = await startServer({ seed: false, env: { GRAPHIQL: "false" } });
    try {
      const asset = await fetch(off.url.replace("/graphql", "/graphiql/graphiql.js"));
      expect(asset.status).toBe(404);
      await asset.text();
    } finally {
      await off.close();
    }
  });
});

describeBrowser("GraphiQL in Chromium", () => {
  let chromium: TestBrowser;
  beforeAll(async () => {
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  it("renders, runs a query, and makes no request beyond 127.0.0.1", async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const watch = await watchPage(page);
    const requests: string[] = [];
    page.on("request", (request: BrowserRequest) => requests.push(request.url()));
    await page.goto(server.url, { waitUntil: "load" });
    await page.locator(".graphiql-container").first().waitFor({ timeout: 30_000 });
    // The default query is in the editor; run it as a user would.
    await page.locator(".graphiql-execute-button").first().click();
    await page.locator(".graphiql-response").first().getByText('"persons"').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath("graphiql.png") });

    expect(existsSync(screenshotPath("graphiql.png"))).toBe(true);
    expect(watch.offHost).toEqual([]);
    expect(watch.errors).toEqual([]);
    const hosts = new Set(requests.map((url) => new URL(url).host));
    expect([...hosts]).toEqual([`127.0.0.1:${server.port}`]);
    expect(requests.some((url) => url.endsWith("/graphiql/graphiql.js"))).toBe(true);
    await page.close();
  }, 90_000);
});
