// The dashboard page: reads the overview and the latest facts, then follows every change in the
// live feed (additions, corrections, retractions) from the last cursor it saw (kept in the page
// and in localStorage), so a lost connection, a server restart or a reload misses nothing and
// shows nothing twice.
import { type CursorStore, memoryCursorStore, webCursorStore } from "../client/resumable.js";
import { request } from "./api.js";
import { countryChart } from "./chart.js";
import { corrector } from "./corrected.js";
import { byId, fill, h } from "./dom.js";
import { type Change, CURSOR_KEYS, connectLive, type LiveStatus } from "./live.js";
import { FEED_CURSOR, LATEST, OVERVIEW } from "./operations.js";
import { personInHash, setUpSearch, showPerson } from "./person.js";
import { releaseItem, renderCounters, renderTimeline, statementItem } from "./render.js";
import type { FeedCursor, Latest, Overview, Release, Statement } from "./types.js";

const LATEST_COUNT = 20;
const SHOWN_LIMIT = 100;
const OVERVIEW_DELAY_MS = 200;
const BACKFILL_DELAY_MS = 200;
const RETRY_MS = 2_000;

/**
 * Facts by id, newest first: an event for a fact already shown replaces it, a retraction removes
 * it. Elements are kept and new ones inserted around them, so a keyboard user's focus in the list
 * survives new facts.
 */
function factList<T extends { id: string; recordedAt: string }>(
  element: HTMLElement,
  dateOf: (fact: T) => string,
  render: (fact: T, fresh: boolean) => HTMLElement,
) {
  const facts = new Map<string, T>();
  const shown = new Map<string, { fact: T; item: HTMLElement }>();
  const fresh = new Set<string>();
  // Which event last touched each fact: a list read before it must not bring back an older version.
  const touched = new Map<string, number>();
  let events = 0;
  const newestFirst = (a: T, b: T) => dateOf(b).localeCompare(dateOf(a)) || b.recordedAt.localeCompare(a.recordedAt);
  const draw = () => {
    const sorted = [...facts.values()].sort(newestFirst);
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
  /** Whether a fact not shown belongs among the shown ones: newer than the oldest of them. */
  const among = (fact: T) => {
    let oldest: T | undefined;
    for (const f of facts.values()) if (!oldest || newestFirst(f, oldest) > 0) oldest = f;
    return !oldest || newestFirst(fact, oldest) < 0;
  };
  return {
    reset(list: T[]) {
      facts.clear();
      fresh.clear();
      for (const fact of list) facts.set(fact.id, fact);
      draw();
    },
    /**
     * Applies a live event. Every addition is shown (it is news, however old its date); a
     * correction of a fact not shown only when its date now puts it among the shown ones.
     */
    apply(change: Change, fact: T) {
      touched.set(fact.id, ++events);
      if (change === "RETRACTED" || change === "MERGED") {
        facts.delete(fact.id);
        fresh.delete(fact.id);
      } else if (change === "ADDED" || facts.has(fact.id) || among(fact)) {
        facts.set(fact.id, fact);
        fresh.add(fact.id);
      }
      draw();
    },
    /** Replaces the facts `correct` changes (a corrected name, exchange or source on a card). */
    correct(correct: (fact: T) => T) {
      for (const [id, fact] of facts) facts.set(id, correct(fact));
      draw();
    },
    /** The position to pass to `fillIn` with a list read from now on. */
    mark: () => events,
    /** After a retraction: the latest facts, read since `mark`, fill the gap it left. */
    fillIn(list: T[], mark: number) {
      for (const fact of list) {
        if (!facts.has(fact.id) && (touched.get(fact.id) ?? 0) <= mark) facts.set(fact.id, fact);
      }
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
  let backfillTimer: ReturnType<typeof setTimeout> | undefined;

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
  /** After a retraction the lists are one short: the latest facts read again fill them in. */
  const backfillSoon = () => {
    clearTimeout(backfillTimer);
    backfillTimer = setTimeout(async () => {
      const marks = [releases.mark(), statements.mark()] as const;
      const latest = await request<Latest>(LATEST, { first: LATEST_COUNT }).catch(() => undefined);
      if (!latest) return;
      releases.fillIn(latest.releases.nodes, marks[0]);
      statements.fillIn(latest.statements.nodes, marks[1]);
    }, BACKFILL_DELAY_MS);
  };
  /** Shows the person view again when it is open on one of `ids` (on any person without `ids`). */
  const personShown = (ids?: string[]) => {
    const id = personInHash();
    if (id && (!ids || ids.includes(id))) void showPerson(person, id, { refresh: true });
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
        release: (change, release, formerPersons) => {
          releases.apply(change, release);
          announce(`${CHANGE_TEXT[change]} release: ${release.person.name}, ${release.releasedOn}.`);
          overviewSoon();
          if (change === "RETRACTED") backfillSoon();
          personShown([release.person.id, ...formerPersons]);
        },
        statement: (change, statement, formerPersons) => {
          statements.apply(change, statement);
          announce(`${CHANGE_TEXT[change]} statement by ${statement.speaker.name}, ${statement.saidOn}.`);
          overviewSoon();
          if (change === "RETRACTED") backfillSoon();
          personShown([statement.speaker.id, ...statement.subjects.map((s) => s.id), ...formerPersons]);
        },
        fact: (change, fact) => {
          const correct = change === "UPDATED" ? corrector(fact) : undefined;
          if (correct) {
            releases.correct(correct.release);
            statements.correct(correct.statement);
          }
          // Persons and exchanges are counted, exchanges drawn on the timeline.
          if (fact.__typename === "Person" || fact.__typename === "ExchangeEvent") overviewSoon();
          if (fact.__typename === "Person") personShown([fact.id]);
          else if (fact.__typename === "Sentence") personShown([fact.person.id]);
          else if (change === "UPDATED") personShown();
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
