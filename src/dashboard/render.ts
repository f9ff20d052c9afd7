// The overview (counters, timeline) and the latest facts, drawn from plain data.
import { country, date, fill, h, personLink, sources } from "./dom.js";
import type { Overview, Release, Statement } from "./types.js";

const COUNTERS = [
  ["persons", "Persons"],
  ["releases", "Releases"],
  ["statements", "Statements"],
  ["exchanges", "Exchanges"],
] as const;

export function renderCounters(list: HTMLElement, stats: Overview["stats"]): void {
  fill(
    list,
    COUNTERS.map(([key, label]) =>
      h(
        "div",
        { class: "counter", "data-counter": key },
        h("dt", {}, label),
        h("dd", {}, stats[key].toLocaleString("en")),
      ),
    ),
  );
}

/** Exchanges oldest to newest, each with its date, place, parties and number of releases. */
export function renderTimeline(list: HTMLElement, exchanges: Overview["exchangeEvents"]["nodes"]): void {
  const ordered = [...exchanges].sort((a, b) => a.occurredOn.localeCompare(b.occurredOn));
  fill(
    list,
    ordered.map((exchange) =>
      h(
        "li",
        { "data-slug": exchange.slug },
        date(exchange.occurredOn),
        h("strong", {}, exchange.name),
        h(
          "span",
          { class: "meta" },
          [exchange.location, exchange.country ? country(exchange.country) : null].filter(Boolean).join(", "),
        ),
        h(
          "span",
          { class: "meta" },
          `Parties: ${exchange.parties.map(country).join(", ") || "unknown"}`,
          exchange.mediators.length > 0 ? ` · mediated by ${exchange.mediators.map(country).join(", ")}` : "",
          ` · ${exchange.releases.length} release${exchange.releases.length === 1 ? "" : "s"}`,
        ),
      ),
    ),
  );
}

function exchangeLine(exchange: Release["exchange"]): HTMLElement {
  return h(
    "p",
    { class: "meta" },
    exchange
      ? ["Exchange: ", h("span", {}, exchange.name), " (", date(exchange.occurredOn), ")"]
      : "Outside any exchange",
  );
}

export function releaseItem(release: Release, fresh: boolean): HTMLElement {
  return h(
    "li",
    { class: fresh ? "card fresh" : "card", "data-id": release.id },
    h("p", { class: "headline" }, personLink(release.person), " released ", date(release.releasedOn)),
    h(
      "p",
      { class: "meta" },
      `from ${country(release.fromCountry)} (${release.fromCountry})`,
      release.toCountry ? ` to ${country(release.toCountry)} (${release.toCountry})` : " to an unknown state",
    ),
    exchangeLine(release.exchange),
    sources(release.sources),
  );
}

export function statementItem(statement: Statement, fresh: boolean): HTMLElement {
  return h(
    "li",
    { class: fresh ? "card fresh" : "card", "data-id": statement.id },
    h("blockquote", { lang: statement.language ?? undefined }, statement.text),
    h(
      "p",
      { class: "headline" },
      personLink(statement.speaker),
      ", ",
      date(statement.saidOn),
      statement.channel ? `, ${statement.channel}` : "",
    ),
    statement.subjects.length > 0
      ? h(
          "p",
          { class: "meta" },
          "About ",
          statement.subjects.map((person, i) => [i > 0 ? ", " : "", personLink(person)]),
        )
      : null,
    exchangeLine(statement.exchange),
    sources(statement.sources),
  );
}
