// The browser harness itself: Chromium from PATH reaches the service on 127.0.0.1, and nothing
// else — a request to another host is aborted and reported.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeBrowser, launchBrowser, screenshotPath, type TestBrowser, watchPage } from "./support/browser.js";
import { startServer, type TestServer } from "./support/server.js";

describeBrowser("browser harness", () => {
  let server: TestServer;
  let chromium: TestBrowser;

  beforeAll(async () => {
    [server, chromium] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  it("queries the service from a page and blocks every other host", async () => {
    const page = await chromium.browser.newPage();
    const watch = await watchPage(page);
    await page.goto(server.url.replace("/graphql", "/health"));
    const stats = await page.evaluate(async (url) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ stats { persons releases } }" }),
      });
      return (await response.json()) as { data: { stats: { persons: number; releases: number } } };
    }, server.url);
    expect(stats.data.stats.persons).toBeGreaterThan(0);

    const outside = await page.evaluate(() =>
      fetch("http://example.com/").then(
        () => "reached",
        () => "blocked",
      ),
    );
    expect(outside).toBe("blocked");
    expect(watch.offHost).toEqual(["http://example.com/"]);

    const file = screenshotPath("harness.png");
    await page.screenshot({ path: file });
    expect(existsSync(file)).toBe(true);
    await page.close();
  });
});
