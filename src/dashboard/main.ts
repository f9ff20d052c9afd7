// The dashboard page: reads the overview and the latest facts, then follows the live feed from
// the last cursor it saw (kept in the page and in localStorage), so a lost connection, a server
// restart or a reload misses nothing and shows nothing twice.
import { type CursorStore, memoryCursorStore, webCursorStore } from "../client/resumable.js";
import { request } from "./api.js";
import { countryChart } from "./chart.js";
import { byId, fill, h } from "./dom.js";
import { type Change, CURSOR_KEYS, connectLive, type LiveStatus } from "./live.js";
import { FEED_CURSOR, LATEST, OVERVIEW } from "./operations.js";
import { personInHash, setUpSearch, showPerson } from "./person.js";
import { releaseItem, renderCounters, renderTimeline, statementItem } from "./render.js";
import type { FeedCursor, Latest, Overview, Release, Statement } from "./types.js";

const LATEST_COUNT = 20;
const SHOWN_LIMIT = 100;
const OVERVIEW_DELAY_MS = 200;
const RETRY_MS = 2_000;

/**
 * Facts by id, newest first: an event for a fact already shown replaces it. Elements are kept
 * and new ones inserted around them, so a keyboard user's focus in the list survives new facts.
 */
function factList<T extends { id: string; recordedAt: string }>(
  element: HTMLElement,
  dateOf: (fact: T) => string,
  render: (fact: T, fresh: boolean) => HTMLElement,
) {
  const facts = new Map<string, T>();
  const shown = new Map<string, { fact: T; item: HTMLElement }>();
  const fresh = new Set<string>();
  const draw = () => {
    const sorted = [...facts.values()].sort(
      (a, b) => dateOf(b).localeCompare(dateOf(a)) || b.recordedAt.localeCompare(a.recordedAt),
    );
    // A page left open for days keeps only what it shows.
    for (const fact of sorted.slice(SHOWN_LIMIT)) {
      facts.delete(fact.id);
      fresh.delete(fact.id);
    }
    const ordered = sorted.slice(0, SHOWN_LIMIT);
    const keep = new Set(ordered.map((fact) => fact.id));
    for (const [id, { item }] of shown) {
      if (!keep.has(id)) {
        item.remove();
        shown.delete(id);
      }
    }
    ordered.forEach((fact, index) => {
      let entry = shown.get(fact.id);
      if (entry?.fact !== fact) {
        const item = render(fact, fresh.has(fact.id));
        if (entry) entry.item.replaceWith(item);
        entry = { fact, item };
        shown.set(fact.id, entry);
      }
      const here = element.children[index];
      if (here !== entry.item) element.insertBefore(entry.item, here ?? null);
    });
  };
  return {
    reset(list: T[]) {
      facts.clear();
      fresh.clear();
      for (const fact of list) facts.set(fact.id, fact);
      draw();
    },
    apply(change: Change, fact: T) {
      if (change === "RETRACTED" || change === "MERGED") facts.delete(fact.id);
      else facts.set(fact.id, fact);
      fresh.add(fact.id);
      draw();
    },
  };
}

const CHANGE_TEXT: Record<Change, string> = {
  ADDED: "New",
  UPDATED: "Corrected",
  RETRACTED: "Retracted",
  MERGED: "Merged",
};

const STATUS_TEXT: Record<LiveStatus | "offline", string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting… (catching up when back)",
  offline: "Offline: the service cannot be reached. Retrying…",
};

/** localStorage when the browser allows it (it may not, with storage blocked), else the page. */
function cursorStore(): CursorStore {
  try {
    return webCursorStore(window.localStorage);
  } catch {
    return memoryCursorStore();
  }
}

function main(): void {
  const store = cursorStore();
  const status = byId("status");
  const problem = byId("problem");
  const person = byId("person");
  const chart = countryChart(byId<HTMLCanvasElement>("chart"), byId<HTMLTableElement>("country-table"));
  const releases = factList<Release>(byId("releases"), (r) => r.releasedOn, releaseItem);
  const statements = factList<Statement>(byId("statements"), (s) => s.saidOn, statementItem);
  let stopLive: (() => void) | undefined;
  let overviewTimer: ReturnType<typeof setTimeout> | undefined;

  const setStatus = (state: LiveStatus | "offline") => {
    status.dataset.state = state;
    fill(status, h("span", { class: "dot", "aria-hidden": "true" }), STATUS_TEXT[state]);
  };
  // One short line per live event for screen readers, instead of re-reading the lists.
  const announcer = byId("announce");
  const announce = (text: string) => fill(announcer, text);
  const showProblem = (message: string | undefined) => {
    problem.hidden = !message;
    fill(problem, message ?? "");
  };

  const refreshOverview = async () => {
    const data = await request<Overview>(OVERVIEW);
    renderCounters(byId("counters"), data.stats);
    chart.update(data.stats.releasesByFromCountry, data.stats.releasesByToCountry);
    renderTimeline(byId("timeline"), data.exchangeEvents.nodes);
  };
  const overviewSoon = () => {
    clearTimeout(overviewTimer);
    overviewTimer = setTimeout(() => void refreshOverview().catch(() => {}), OVERVIEW_DELAY_MS);
  };
  const personShown = (ids: string[]) => {
    const id = personInHash();
    if (id && ids.includes(id)) void showPerson(person, id);
  };

  const start = async (): Promise<void> => {
    setStatus("connecting");
    try {
      // The position first, then the facts: whatever commits in between arrives as an event.
      const { feedCursor } = await request<FeedCursor>(FEED_CURSOR);
      const [latest] = await Promise.all([request<Latest>(LATEST, { first: LATEST_COUNT }), refreshOverview()]);
      releases.reset(latest.releases.nodes);
      statements.reset(latest.statements.nodes);
      stopLive = connectLive(store, feedCursor, {
        release: (change, release) => {
          releases.apply(change, release);
          announce(`${CHANGE_TEXT[change]} release: ${release.person.name}, ${release.releasedOn}.`);
          overviewSoon();
          personShown([release.person.id]);
        },
        statement: (change, statement) => {
          statements.apply(change, statement);
          announce(`${CHANGE_TEXT[change]} statement by ${statement.speaker.name}, ${statement.saidOn}.`);
          overviewSoon();
          personShown([statement.speaker.id, ...statement.subjects.map((s) => s.id)]);
        },
        status: setStatus,
        cursorRejected: () => {
          // A cursor from another database (the service was reset): start over from now.
          for (const key of CURSOR_KEYS) store.delete(key);
          stopLive?.();
          void start();
        },
        failed: showProblem,
      });
      showProblem(undefined);
    } catch (error) {
      setStatus("offline");
      showProblem((error as Error).message);
      setTimeout(() => void start(), RETRY_MS);
    }
  };

  setUpSearch();
  window.addEventListener("hashchange", () => void showPerson(person, personInHash()));
  void showPerson(person, personInHash());
  void start();
}

main();
