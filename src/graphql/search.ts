// What one search may cost. A name search is folded by translit_key() (drizzle/), whose regular
// expressions take more than linear time in the length of a word, and a full-text search is
// parsed into a tsquery whose parser has a fixed stack: both are bounded here, before any SQL.
import { type SQL, sql } from "drizzle-orm";
import { badArgument } from "./pagination.js";

export const SEARCH_LIMITS = {
  /** Characters in a search, after trimming. */
  characters: 200,
  /** Characters in one word of a name search: the longest real name part is far shorter. */
  wordCharacters: 40,
} as const;

function bounded(raw: string | null | undefined): string | undefined {
  // NFC: "e" + U+0301 folds as "é" does, and counts as one character.
  const search = raw?.normalize("NFC").trim();
  if (!search) return undefined;
  if (search.length > SEARCH_LIMITS.characters) {
    throw badArgument("search", `must be at most ${SEARCH_LIMITS.characters} characters`);
  }
  return search;
}

/** A name search as given (NFC, trimmed), undefined for none; BAD_USER_INPUT past the bounds. */
export function nameSearch(raw: string | null | undefined): string | undefined {
  const search = bounded(raw);
  if (search?.split(/\s+/).some((word) => word.length > SEARCH_LIMITS.wordCharacters)) {
    throw badArgument(
      "search",
      `must not hold a word of more than ${SEARCH_LIMITS.wordCharacters} characters (names are matched word by word)`,
    );
  }
  return search;
}

/**
 * The folded search, computed once per statement: a scalar subquery is an InitPlan, whereas a
 * bare translit_key($1) in a prepared statement's generic plan is folded again for every row.
 */
export function foldedSearch(search: string): SQL {
  return sql`(select translit_key(${search}))`;
}

/**
 * A full-text search as given, with every run of "-" that only non-word characters separate
 * (each one a NOT in web-search syntax) cut to one "-", so a run counts as one NOT: PostgreSQL
 * parses nested NOTs on a stack of fixed depth and fails past it ("tsquery stack too small").
 */
export function textSearch(raw: string | null | undefined): string | undefined {
  return bounded(raw)?.replace(/-(?:[^\p{L}\p{N}-]*-)+/gu, "-");
}
