// The pages a browser is shown, over plain HTTP: `/` leads to the dashboard and GraphiQL, and
// the dashboard's files come from this host under a Content-Security-Policy of 'self'.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let origin: string;

beforeAll(async () => {
  server = await startServer({ seed: false });
  origin = server.url.replace("/graphql", "");
});
afterAll(async () => {
  await server?.close();
});

describe("browser pages", () => {
  it("GET / links to the dashboard and to GraphiQL", async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('href="/dashboard"');
    expect(html).toContain('href="/graphql"');
  });

  it("serves the built dashboard with a 'self'-only policy", async () => {
    const page = await fetch(`${origin}/dashboard`);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    const html = await page.text();
    for (const asset of html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)) {
      const file = await fetch(`${origin}${asset[1]}`);
      expect(file.status, asset[1]).toBe(200);
      expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    }
    // Every script and style is the service's own: nothing named on another host.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = await (await fetch(`${origin}/dashboard/main.js`)).text();
    expect(script).not.toMatch(/https?:\/\/(unpkg|cdn|fonts\.)/);
  });

  it("leaves other paths to the GraphQL server", async () => {
    expect((await fetch(`${origin}/dashboard/nothing.js`)).status).toBe(404);
    expect((await fetch(`${origin}/health`)).status).toBe(200);
  });
});
