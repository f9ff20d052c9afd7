// A tiny element builder: text always goes in as text nodes, never as HTML, so no fact can
// inject markup. Formatting of dates, countries and sources for every view.
import type { Source } from "./types.js";

type Child = Node | string | number | null | undefined | false | Child[];
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(element: Element, ...children: Child[]): void {
  element.replaceChildren();
  append(element, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

const regions = new Intl.DisplayNames(["en"], { type: "region" });

/** "RU" → "Russia", keeping the code for those who know it. */
export function country(code: string | null | undefined): string {
  if (!code) return "unknown";
  try {
    return regions.of(code) ?? code;
  } catch {
    return code;
  }
}

/** A <time> for a Date ("2024-08-01") or DateTime. */
export function date(value: string): HTMLElement {
  return h("time", { datetime: value }, value.slice(0, 10));
}

/** Sources as links (when they have a URL), each named by publisher and title. */
export function sources(list: Source[]): HTMLElement {
  if (list.length === 0) return h("p", { class: "sources" }, "No source.");
  return h(
    "ul",
    { class: "sources", "aria-label": "Sources" },
    list.map((source) => {
      const label = source.title ? `${source.publisher}: ${source.title}` : source.publisher;
      const published = source.publishedAt ? ` (${source.publishedAt.slice(0, 10)})` : "";
      return h(
        "li",
        {},
        source.url ? h("a", { href: source.url, rel: "noopener noreferrer", target: "_blank" }, label) : label,
        published,
      );
    }),
  );
}

/** A link that opens the person view. */
export function personLink(person: { id: string; name: string }): HTMLElement {
  return h("a", { href: `#person/${encodeURIComponent(person.id)}`, class: "person" }, person.name);
}
