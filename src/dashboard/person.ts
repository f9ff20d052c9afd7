// Search that tolerates transliteration (the server's persons(search:)), and the person view:
// sentences, releases, statements by and about them, each with its sources.
import { request } from "./api.js";
import { byId, country, date, fill, h, personLink, sources } from "./dom.js";
import type { PersonViewQuery } from "./generated/graphql.js";
import { PERSON, SEARCH_PERSONS } from "./operations.js";
import { releaseItem, statementItem } from "./render.js";
import type { PersonHits, PersonView, Sentence } from "./types.js";

const SEARCH_DELAY_MS = 250;

/** Searches as the user types (and on Enter); results link to the person view. */
export function setUpSearch(): void {
  const form = byId<HTMLFormElement>("search-form");
  const input = byId<HTMLInputElement>("search");
  const results = byId("search-results");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  const search = async () => {
    const text = input.value.trim();
    const asked = ++latest;
    if (text.length < 2) return fill(results);
    try {
      const data = await request<PersonHits>(SEARCH_PERSONS, { search: text });
      if (asked !== latest) return;
      const hits = data.persons.nodes;
      fill(
        results,
        hits.length === 0
          ? h("li", {}, `No person matches “${text}”.`)
          : hits.map((person) =>
              h(
                "li",
                {},
                personLink(person),
                person.aliases.length > 0 ? h("span", { class: "meta" }, ` also ${person.aliases.join(", ")}`) : "",
              ),
            ),
      );
    } catch (error) {
      if (asked === latest) fill(results, h("li", { class: "problem" }, (error as Error).message));
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, SEARCH_DELAY_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    void search();
  });
}

function sentenceItem(sentence: Sentence): HTMLElement {
  const term =
    sentence.kind === "TERM" && sentence.termMonths !== null
      ? `${Math.floor(sentence.termMonths / 12)} years${sentence.termMonths % 12 ? ` ${sentence.termMonths % 12} months` : ""}`
      : sentence.kind.toLowerCase();
  return h(
    "li",
    { class: "card" },
    h("p", { class: "headline" }, `${sentence.charge}: ${term}`),
    h(
      "p",
      { class: "meta" },
      `by ${sentence.court ?? "a court"} in ${country(sentence.country)}`,
      sentence.sentencedOn ? [", ", date(sentence.sentencedOn)] : "",
    ),
    sources(sentence.sources),
  );
}

function section(title: string, items: HTMLElement[], empty: string): HTMLElement {
  return h(
    "section",
    {},
    h("h3", {}, title),
    items.length > 0 ? h("ol", { class: "cards" }, items) : h("p", {}, empty),
  );
}

/**
 * Shows the person whose id is in the location hash (#person/ID), or hides the view. A refresh
 * (after a live change) keeps the view in place and moves focus only if it was inside the view.
 */
export async function showPerson(
  view: HTMLElement,
  id: string | undefined,
  { refresh = false }: { refresh?: boolean } = {},
): Promise<void> {
  if (!id) {
    view.hidden = true;
    fill(view);
    return;
  }
  view.hidden = false;
  const focusHere = !refresh || view.contains(document.activeElement);
  if (!refresh) fill(view, h("p", {}, "Loading…"));
  try {
    const data = await request<PersonViewQuery>(PERSON, { id });
    // Another person was opened meanwhile: theirs is the view to show.
    if (personInHash() !== id) return;
    const person = data.node as PersonView | null;
    if (!person?.name) {
      fill(view, h("p", { class: "problem" }, "No such person."), h("a", { href: "#" }, "Close"));
      return;
    }
    fill(
      view,
      h("h2", { id: "person-name", tabindex: -1 }, person.name),
      h("a", { href: "#", class: "close" }, "Close"),
      person.aliases.length > 0 ? h("p", { class: "meta" }, `Also written ${person.aliases.join(", ")}`) : null,
      h(
        "p",
        { class: "meta" },
        person.nationalities.map(country).join(", ") || "Nationality unknown",
        person.birthDate ? [" · born ", date(person.birthDate)] : "",
      ),
      person.description ? h("p", {}, person.description) : null,
      section("Sentences", person.sentences.map(sentenceItem), "No sentence recorded."),
      section(
        "Releases",
        person.releases.map((r) => releaseItem(r, false)),
        "No release recorded.",
      ),
      section(
        "Statements by them",
        person.statements.nodes.map((s) => statementItem(s, false)),
        "No statement recorded.",
      ),
      section(
        "Statements about them",
        person.mentions.nodes.map((s) => statementItem(s, false)),
        "No statement recorded.",
      ),
    );
    if (focusHere) byId("person-name").focus();
  } catch (error) {
    if (refresh) return;
    fill(view, h("p", { class: "problem" }, (error as Error).message), h("a", { href: "#" }, "Close"));
  }
}

/** The person id in the location hash, if any. */
export function personInHash(): string | undefined {
  const match = /^#person\/(.+)$/.exec(location.hash);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
