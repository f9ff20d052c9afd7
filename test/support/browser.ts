// Debian's Chromium (the `chromium` on PATH) driven by playwright-core, for tests that load the
// service's pages in a real browser. Without Chromium the browser tests are skipped locally; in CI
// (CI=true, where .ci/run installs it) they fail instead, so a missing browser cannot pass as green.
import { accessSync, constants, mkdirSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { describe } from "vitest";

/** The `chromium` executable on PATH, or undefined. */
export function findChromium(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "chromium");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export const chromiumPath = findChromium();
const required = process.env.CI === "true" || process.env.CI === "1";

/**
 * `describe` for browser tests: skipped when Chromium is absent, unless CI is set; then
 * launchBrowser() throws and every test of the block fails.
 */
export const describeBrowser: typeof describe =
  chromiumPath || required ? describe : (describe.skip as typeof describe);

// Nothing the browser does on its own may reach the network: every request it makes is the page's.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export type TestBrowser = { browser: Browser; close(): Promise<void> };

/**
 * Launches Chromium. playwright-core starts it with a fresh `--user-data-dir` of its own (a new
 * temporary folder, removed on close; it refuses one in `args`), so no state outlives a test.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!chromiumPath) {
    throw new Error("`chromium` is not on PATH: install it (`apt-get install -y chromium`); CI requires it");
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS });
  return { browser, close: () => browser.close() };
}

export type PageWatch = {
  /** Console messages of type "error", uncaught exceptions and failed page requests. */
  errors: string[];
  /** Requests to any host other than the test server's, which are aborted. */
  offHost: string[];
};

/**
 * Records what a test asserts is absent: console errors, uncaught exceptions, and requests that
 * would leave 127.0.0.1 (aborted, so a test can never depend on the internet).
 */
export async function watchPage(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { errors: [], offHost: [] };
  page.on("console", (message) => {
    if (message.type() === "error") watch.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => watch.errors.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    const url = new URL(request.url());
    if (url.hostname === "127.0.0.1" || url.hostname === "localhost") {
      watch.errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`);
    }
  });
  await page.route(
    (url) => !["127.0.0.1", "localhost"].includes(url.hostname) && /^(https?|wss?):$/.test(url.protocol),
    (route) => {
      watch.offHost.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  return watch;
}

/** The git-ignored folder for screenshots, created on demand. */
export const SCREENSHOTS = resolve(import.meta.dirname, "../../test-output");

/** A path in SCREENSHOTS for `name` (e.g. "dashboard-360.png"). */
export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}
