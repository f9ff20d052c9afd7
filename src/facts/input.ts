// The shape and limits of every fact as it comes in, from GraphQL or an import file. Strings are
// stored verbatim (names and titles in NFC); what PostgreSQL or a reader could not take (NUL,
// control characters, unpaired surrogates, megabytes), what would disguise a name (bidirectional
// controls, invisible characters) and what cannot have happened yet (a date after tomorrow) are
// refused here with the field's path.
import { CountryCodeResolver } from "graphql-scalars";
import { z } from "zod";
import { type FieldProblem, ValidationError } from "./errors.js";

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Embeddings, overrides and isolates: they reorder how a name is shown without being seen. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/** Zero-width space, non-joiner, joiner, word joiner, byte-order mark: two names that look alike. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/;

type Check = [ok: (value: string) => boolean, message: string];

/** A string that must pass each check in turn; only the first failure is reported. */
function checked(checks: Check[]) {
  return z.string().superRefine((value, ctx) => {
    const failed = checks.find(([ok]) => !ok(value));
    if (failed) ctx.addIssue({ code: "custom", message: failed[1] });
  });
}

const wellFormed: Check[] = [
  [(v) => !CONTROL.test(v), "must not contain control characters"],
  [(v) => !LONE_SURROGATE.test(v), "must be valid Unicode (it has an unpaired surrogate)"],
];

function text(max: number, { multiline = false } = {}) {
  return checked([
    [(v) => v.length <= max, `must be at most ${max} characters`],
    [(v) => v.trim().length > 0, "must not be blank"],
    ...wellFormed,
    [(v) => multiline || !/[\n\r\t]/.test(v), "must be a single line"],
  ]);
}

/**
 * The last day a fact may carry: tomorrow in UTC, as the day has begun somewhere on Earth.
 * Read at every check, never fixed when the module loads.
 */
function lastPossibleDay(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

/** A name, alias, publisher or title: plain text a reader can trust to look as it is, in NFC. */
function name(max: number) {
  return checked([
    [(v) => v.length <= max, `must be at most ${max} characters`],
    [(v) => v.trim().length > 0, "must not be blank"],
    ...wellFormed,
    [(v) => !/[\n\r\t]/.test(v), "must be a single line"],
    [(v) => !BIDI_CONTROL.test(v), "must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)"],
    [(v) => !INVISIBLE.test(v), "must not contain zero-width characters (U+200B–U+200D, U+2060, U+FEFF)"],
    [(v) => /[^\p{M}\s]/u.test(v), "must hold a letter, not only combining marks"],
  ]).transform((v) => v.normalize("NFC"));
}

const isoDate = checked([
  [(v) => /^\d{4}-\d{2}-\d{2}$/.test(v), 'must be a date "YYYY-MM-DD"'],
  [
    (v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
    },
    "must be a real calendar date",
  ],
  [(v) => v >= "1800-01-01", "must be in 1800 or later"],
  [(v) => v <= lastPossibleDay(), "must not be after tomorrow (UTC): it cannot have happened yet"],
]);

/** An instant no later than the end of tomorrow in UTC, for the same reason as isoDate. */
const pastInstant = z
  .date()
  .refine(
    (d) => d.getTime() < Date.parse(`${lastPossibleDay()}T00:00:00Z`) + 86_400_000,
    "must not be after tomorrow (UTC): it cannot have happened yet",
  );

/** Assigned ISO 3166-1 alpha-2 codes: the same list the CountryCode scalar accepts. */
function isAssignedCountry(code: string): boolean {
  try {
    CountryCodeResolver.parseValue(code);
    return true;
  } catch {
    return false;
  }
}

export const countryCode = checked([
  [(v) => /^[A-Z]{2}$/.test(v), 'must be an ISO 3166-1 alpha-2 code in upper case, like "RU"'],
  [isAssignedCountry, "is not an assigned ISO 3166-1 alpha-2 country code"],
]);
const slug = z
  .string()
  .max(100, "must be at most 100 characters")
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens, like "2024-08-01-ankara"');
const url = checked([
  [(v) => v.length <= 2000, "must be at most 2000 characters"],
  ...wellFormed,
  [
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    },
    "must be an http(s) URL",
  ],
]);
const sourceIds = z
  .array(z.number().int().positive())
  .min(1, "must cite at least one source")
  .max(50, "must cite at most 50 sources");
const confidence = z.enum(["HIGH", "MEDIUM", "LOW"]).nullish();
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
const countries = z.array(countryCode).max(30, "must list at most 30 countries");
const uniqueList = (list: string[]) => new Set(list).size === list.length;

export const sourceInput = z.object({
  publisher: name(200),
  title: opt(name(500)),
  url: opt(url),
  publishedOn: opt(isoDate),
  publishedAt: opt(pastInstant),
  description: opt(text(2000, { multiline: true })),
});

const aliases = z.array(name(200)).max(50, "must list at most 50 aliases");
const nationalities = countries.refine(uniqueList, "must not repeat a country");
const personSourceIds = z.array(z.number().int().positive()).max(50, "must cite at most 50 sources");

export const personInput = z.object({
  slug: opt(slug),
  name: name(200),
  aliases: aliases.default([]),
  nationalities: nationalities.default([]),
  birthDate: opt(isoDate),
  description: opt(text(2000, { multiline: true })),
  sourceIds: personSourceIds.default([]),
});

// No defaults here: a field left out of a patch stays as it is (zod 4 applies a default even
// inside .partial(), which would clear aliases and nationalities on every update).
export const personPatch = z.object({
  slug: opt(slug),
  name: opt(name(200)),
  aliases: opt(aliases),
  nationalities: opt(nationalities),
  birthDate: opt(isoDate),
  description: opt(text(2000, { multiline: true })),
  sourceIds: opt(personSourceIds),
});

export const sentenceInput = z
  .object({
    personId: z.number().int().positive(),
    country: countryCode,
    court: opt(text(500)),
    charge: text(2000, { multiline: true }),
    kind: z.enum(["TERM", "LIFE", "DEATH", "TIME_SERVED"]),
    termMonths: opt(z.number().int().min(1, "must be at least 1").max(12000, "must be at most 12000 (1000 years)")),
    sentencedOn: opt(isoDate),
    note: opt(text(2000, { multiline: true })),
    confidence,
    sourceIds,
  })
  .superRefine((v, ctx) => {
    if (v.kind === "TERM" && v.termMonths == null) {
      ctx.addIssue({ code: "custom", path: ["termMonths"], message: "is required when kind is TERM" });
    }
    if (v.kind !== "TERM" && v.termMonths != null) {
      ctx.addIssue({ code: "custom", path: ["termMonths"], message: `must be null when kind is ${v.kind}` });
    }
  });

export const exchangeEventInput = z.object({
  slug,
  name: name(300),
  occurredOn: isoDate,
  location: opt(text(500)),
  country: opt(countryCode),
  mediators: countries.refine(uniqueList, "must not repeat a country").default([]),
  parties: countries.refine(uniqueList, "must not repeat a country").default([]),
  description: opt(text(10000, { multiline: true })),
  confidence,
  sourceIds,
});

export const releaseInput = z.object({
  personId: z.number().int().positive(),
  exchangeId: opt(z.number().int().positive()),
  releasedOn: isoDate,
  fromCountry: countryCode,
  toCountry: opt(countryCode),
  sentenceId: opt(z.number().int().positive()),
  note: opt(text(2000, { multiline: true })),
  confidence,
  sourceIds,
});

export const statementInput = z.object({
  speakerId: z.number().int().positive(),
  text: text(100_000, { multiline: true }),
  language: opt(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag like "en" or "pt-BR"')),
  saidOn: isoDate,
  channel: opt(text(200)),
  subjectIds: z.array(z.number().int().positive()).max(100, "must list at most 100 persons").default([]),
  exchangeId: opt(z.number().int().positive()),
  confidence,
  sourceIds,
});

export type SourceInput = z.input<typeof sourceInput>;
export type PersonInput = z.input<typeof personInput>;
export type PersonPatch = z.input<typeof personPatch>;
export type SentenceInput = z.input<typeof sentenceInput>;
export type ExchangeEventInput = z.input<typeof exchangeEventInput>;
export type ReleaseInput = z.input<typeof releaseInput>;
export type StatementInput = z.input<typeof statementInput>;

/** Parses with a schema, or throws one ValidationError naming every wrong field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix: string[] = []): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldProblem[] = result.error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)],
    message: issue.message,
  }));
  throw new ValidationError(fields);
}
