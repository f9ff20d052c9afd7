// /dashboard in Chromium against the real service: no console errors, no request leaving the
// host, live releases within 2 s, corrections and retractions followed, and after a server
// restart every release written meanwhile, each shown once.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeBrowser,
  launchBrowser,
  type PageWatch,
  screenshotPath,
  type TestBrowser,
  watchPage,
} from "./support/browser.js";
import { createWorld, type World, writeFact } from "./support/feed-facts.js";
import { type RestartableServer, restartableServer } from "./support/restartable.js";

let server: RestartableServer;
let chromium: TestBrowser;
let world: World;

const ADD_RELEASE = `mutation ($input: AddReleaseInput!) {
  addRelease(input: $input) { __typename ... on Release { id } ... on Error { message } }
}`;

const UPDATE_RELEASE = `mutation ($id: ID!, $input: UpdateReleaseInput!, $reason: String!) {
  updateRelease(id: $id, input: $input, reason: $reason) { __typename ... on Error { message } }
}`;

const RETRACT_RELEASE = `mutation ($id: ID!, $reason: String!) {
  retractRelease(id: $id, reason: $reason) { __typename ... on Error { message } }
}`;

const UPDATE_PERSON = `mutation ($id: ID!, $input: UpdatePersonInput!, $reason: String) {
  updatePerson(id: $id, input: $input, reason: $reason) { __typename ... on Error { message } }
}`;

/** Global id of a row, as the API shows it. */
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString("base64url");
const releaseId = (id: number) => globalId("Release", id);

async function openDashboard(width: number): Promise<{ page: Page; watch: PageWatch }> {
  const page = await chromium.browser.newPage({ viewport: { width, height: 900 } });
  const watch = await watchPage(page);
  await page.goto(`${server.origin}/dashboard`);
  await page.locator('#status[data-state="live"]').waitFor({ timeout: 15_000 });
  return { page, watch };
}

/** A counter's figure. */
async function counter(page: Page, key: string): Promise<number> {
  return Number((await page.locator(`[data-counter="${key}"] dd`).textContent())?.replace(/,/g, ""));
}

/** The "Released by" figure of a country in the chart's table, 0 without a row. */
async function releasedBy(page: Page, country: string): Promise<number> {
  const rows = await page
    .locator("#country-table tbody tr")
    .evaluateAll((trs) => trs.map((tr) => [tr.querySelector("th")?.textContent, tr.querySelector("td")?.textContent]));
  return Number(rows.find(([name]) => name === country)?.[1] ?? 0);
}

/** How many times each release id is shown in the latest releases. */
async function shownReleases(page: Page): Promise<string[]> {
  return page.locator("#releases > li").evaluateAll((items) => items.map((item) => item.getAttribute("data-id") ?? ""));
}

describeBrowser("the live dashboard", () => {
  beforeAll(async () => {
    [server, chromium] = await Promise.all([restartableServer({ seed: true }), launchBrowser()]);
    world = await createWorld(server.database.db, 5);
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  it("shows the counters, chart and timeline without a console error, at 360 and 1440 px", async () => {
    const { stats } = await server.gql<{ stats: Record<string, number> }>(
      "{ stats { persons releases statements exchanges } }",
    );
    for (const width of [360, 1440]) {
      const { page, watch } = await openDashboard(width);
      for (const key of ["persons", "releases", "statements", "exchanges"]) {
        await expect
          .poll(() => page.locator(`[data-counter="${key}"] dd`).textContent())
          .toBe(String(stats[key]?.toLocaleString("en")));
      }
      expect(await page.locator("#timeline > li").count()).toBe(stats.exchanges);
      expect(await page.locator("#country-table tbody tr").count()).toBeGreaterThan(3);
      expect(await page.locator("#releases > li").count()).toBe(20);
      // Nothing wider than the viewport: readable without sideways scrolling.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: screenshotPath(`dashboard-${width}.png`), fullPage: true });
      await page.screenshot({ path: screenshotPath(`dashboard-${width}-first-screen.png`) });
      expect(watch.errors).toEqual([]);
      expect(watch.offHost).toEqual([]);
      await page.close();
    }
  });

  it("shows a release added through the API within 2 s, with its sources", async () => {
    const { page, watch } = await openDashboard(1440);
    const before = Number((await page.locator('[data-counter="releases"] dd').textContent())?.replace(/,/g, ""));
    // A keyboard user reading the list keeps their place when a fact arrives.
    const focused = page.locator("#releases > li a.person").first();
    await focused.focus();
    const focusedText = await focused.textContent();
    const { addRelease } = await server.gql(ADD_RELEASE, {
      input: {
        personId: Buffer.from(`Person:${world.persons[0]}`).toString("base64url"),
        releasedOn: "2025-12-01",
        fromCountry: "BY",
        toCountry: "LT",
        sourceIds: [Buffer.from(`Source:${world.sourceId}`).toString("base64url")],
      },
    });
    expect(addRelease.__typename).toBe("Release");
    const item = page.locator(`#releases > li[data-id="${addRelease.id}"]`);
    await item.waitFor({ timeout: 2_000 });
    expect(await item.textContent()).toContain(`Test Person ${world.tag} 0`);
    expect(await item.locator(".sources a").getAttribute("href")).toBe(`https://example.org/${world.tag}`);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(focusedText);
    expect(await page.locator("#announce").textContent()).toContain(`New release: Test Person ${world.tag} 0`);
    await expect
      .poll(() => page.locator('[data-counter="releases"] dd').textContent(), { timeout: 2_000 })
      .toBe(String(before + 1));
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it("finds a person by another spelling and shows their facts with sources, by keyboard", async () => {
    const { page, watch } = await openDashboard(360);
    await page.locator("#search").focus();
    await page.keyboard.type("Krassikov");
    await page.keyboard.press("Enter");
    const hit = page.locator("#search-results a", { hasText: "Vadim Krasikov" });
    await hit.waitFor();
    await hit.focus();
    await page.keyboard.press("Enter");
    await page.locator("#person-name", { hasText: "Vadim Krasikov" }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("person-name");
    const view = page.locator("#person");
    for (const heading of ["Sentences", "Releases", "Statements by them", "Statements about them"]) {
      expect(await view.locator("h3", { hasText: heading }).count()).toBe(1);
    }
    expect(await view.locator(".card").first().locator(".sources li").count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("dashboard-person-360.png") });
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it("catches up after a server restart: every release written meanwhile, once", async () => {
    const { page } = await openDashboard(1440);
    await server.stop();
    await page.locator('#status[data-state="reconnecting"]').waitFor({ timeout: 5_000 });
    const missed: string[] = [];
    for (let n = 0; n < 3; n++) missed.push(releaseId((await writeFact(server.database.db, world, 40 + 2 * n)).id));
    await server.start();
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 15_000 });
    for (const id of missed) await page.locator(`#releases > li[data-id="${id}"]`).waitFor({ timeout: 5_000 });
    const shown = await shownReleases(page);
    expect(new Set(shown).size).toBe(shown.length);

    // A reload resumes from the cursor in localStorage: still each release once.
    const live = releaseId((await writeFact(server.database.db, world, 50)).id);
    await page.reload();
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 15_000 });
    await page.locator(`#releases > li[data-id="${live}"]`).waitFor({ timeout: 5_000 });
    const again = await shownReleases(page);
    expect(new Set(again).size).toBe(again.length);
    for (const id of missed) expect(again).toContain(id);
    expect(await page.evaluate(() => localStorage.getItem("exchange-graph:cursor:LiveReleases"))).toBeTruthy();
    await page.close();
  });

  it("follows a correction and a retraction: the card, chart, person view and counters change within 2 s", async () => {
    const { page, watch } = await openDashboard(1440);
    const personId = globalId("Person", world.persons[4] as number);
    // The person view is open as well: it follows the same changes.
    await page.evaluate((id) => {
      location.hash = `#person/${id}`;
    }, personId);
    await page.locator("#person-name").waitFor();
    const releases = await counter(page, "releases");
    const [kazakhstan, armenia] = [await releasedBy(page, "Kazakhstan"), await releasedBy(page, "Armenia")];

    const { addRelease } = await server.gql(ADD_RELEASE, {
      input: {
        personId,
        releasedOn: "2025-12-02",
        fromCountry: "KZ",
        toCountry: "LT",
        sourceIds: [globalId("Source", world.sourceId)],
      },
    });
    expect(addRelease.__typename).toBe("Release");
    const card = page.locator(`#releases > li[data-id="${addRelease.id}"]`);
    const inView = page.locator(`#person li[data-id="${addRelease.id}"]`);
    await card.waitFor({ timeout: 2_000 });
    expect(await card.textContent()).toContain("from Kazakhstan (KZ)");
    await inView.waitFor({ timeout: 2_000 });
    await expect.poll(() => releasedBy(page, "Kazakhstan"), { timeout: 2_000 }).toBe(kazakhstan + 1);

    // Corrected: another state and another day, on the card, in the chart and in the person view.
    const { updateRelease } = await server.gql(UPDATE_RELEASE, {
      id: addRelease.id,
      input: { fromCountry: "AM", releasedOn: "2025-11-30" },
      reason: "The wire got the state and the day wrong.",
    });
    expect(updateRelease.__typename).toBe("Release");
    await expect.poll(() => card.textContent(), { timeout: 2_000 }).toContain("from Armenia (AM)");
    expect(await card.locator("time").first().getAttribute("datetime")).toBe("2025-11-30");
    expect(await page.locator("#announce").textContent()).toContain("Corrected release");
    await expect.poll(() => inView.textContent(), { timeout: 2_000 }).toContain("from Armenia (AM)");
    await expect.poll(() => releasedBy(page, "Armenia"), { timeout: 2_000 }).toBe(armenia + 1);
    expect(await releasedBy(page, "Kazakhstan")).toBe(kazakhstan);
    expect(await counter(page, "releases")).toBe(releases + 1);
    expect(await page.locator(`#releases > li[data-id="${addRelease.id}"]`).count()).toBe(1);

    // A person's name corrected: the cards that name them follow.
    const name = `Test Person ${world.tag} 4, spelt anew`;
    const { updatePerson } = await server.gql(UPDATE_PERSON, {
      id: personId,
      input: { name },
      reason: "Transliterated as the person does.",
    });
    expect(updatePerson.__typename).toBe("Person");
    await expect.poll(() => card.locator("a.person").textContent(), { timeout: 2_000 }).toBe(name);
    await expect.poll(() => page.locator("#person-name").textContent(), { timeout: 2_000 }).toBe(name);

    // After a reload the release is one of the 20 read first; retracted, it leaves a gap that
    // the next latest release fills.
    expect(watch.errors).toEqual([]);
    await page.reload();
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 15_000 });
    // A request still in flight (the counters read again after the rename) is aborted by the
    // reload: the browser's doing, not the page's.
    expect(watch.errors.filter((e) => !/^request failed: .* net::ERR_ABORTED$/.test(e))).toEqual([]);
    watch.errors.length = 0;
    await card.waitFor();
    await inView.waitFor();
    expect(await page.locator("#releases > li").count()).toBe(20);
    const { retractRelease } = await server.gql(RETRACT_RELEASE, {
      id: addRelease.id,
      reason: "No such release took place.",
    });
    expect(retractRelease.__typename).toBe("Release");
    await card.waitFor({ state: "detached", timeout: 2_000 });
    await inView.waitFor({ state: "detached", timeout: 2_000 });
    expect(await page.locator("#announce").textContent()).toContain("Retracted release");
    await expect.poll(() => counter(page, "releases"), { timeout: 2_000 }).toBe(releases);
    await expect.poll(() => releasedBy(page, "Armenia"), { timeout: 2_000 }).toBe(armenia);
    await expect.poll(() => page.locator("#releases > li").count(), { timeout: 2_000 }).toBe(20);
    expect(watch.errors).toEqual([]);
    expect(watch.offHost).toEqual([]);
    await page.close();
  });
});
