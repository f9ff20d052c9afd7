// What one search may cost. A name search is folded by translit_key() (drizzle/), whose regular
// expressions take more than linear time in the length of a word, and a full-text search is
// parsed into a tsquery whose parser has a fixed stack: both are bounded here, before any SQL.
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
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

/**
 * At most `slots` searches at the database at once, the rest waiting their turn here, so that
 * however many clients search, other requests still find the database free: one per app. On
 * PostgreSQL the searches run on connections of their own (src/db/client.ts), so a slow one
 * never holds up a read queued behind it.
 * With `rest`, a slot stays idle for that fraction of the time its last search took: PGlite
 * answers in this thread, so back-to-back searches would leave no turn of the event loop in
 * which another request could even be read.
 */
export class SearchLane {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    readonly slots: number,
    readonly rest = 0,
  ) {}

  /** Runs `work` on the search lane's database when a slot is free. */
  async run<T>(work: (db: Db) => PromiseLike<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    const started = performance.now();
    try {
      return await work(this.db);
    } finally {
      const idle = (performance.now() - started) * this.rest;
      if (idle > 0) setTimeout(() => this.release(), idle).unref();
      else this.release();
    }
  }

  /** The slot passes to the next in line, or is freed. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
