// Scalars come from graphql-scalars, renamed to the names of the public API; CountryCode is
// narrowed to upper case because that is the form stored and compared in the database.
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { CountryCodeResolver, DateTimeISOResolver, LocalDateResolver } from "graphql-scalars";

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

function parseCountryCode(value: unknown): string {
  if (typeof value !== "string") throw badInput('CountryCode must be a string such as "RU".');
  if (value !== value.toUpperCase() || !/^[A-Z]{2}$/.test(value)) {
    throw badInput(`CountryCode must be two upper-case letters (ISO 3166-1 alpha-2), got "${value.slice(0, 20)}".`);
  }
  try {
    return CountryCodeResolver.parseValue(value) as string;
  } catch {
    throw badInput(`"${value}" is not an ISO 3166-1 alpha-2 country code.`);
  }
}

export const CountryCodeScalar = new GraphQLScalarType<string, string>({
  name: "CountryCode",
  description: 'A country as its ISO 3166-1 alpha-2 code in upper case: "RU", "US", "DE".',
  specifiedByURL: "https://www.iso.org/iso-3166-country-codes.html",
  serialize: (value) => String(value),
  parseValue: parseCountryCode,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badInput('CountryCode must be a string such as "RU".');
    return parseCountryCode(ast.value);
  },
});

function wrapDate(inner: GraphQLScalarType): (value: unknown) => string {
  return (value) => {
    try {
      return inner.parseValue(value) as string;
    } catch {
      throw badInput(`Date must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)?.slice(0, 40)}.`);
    }
  };
}
const parseDate = wrapDate(LocalDateResolver);
const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;
const serializeDate = (value: unknown) => LocalDateResolver.serialize(value) as string;

export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: 'A calendar date without time or zone, ISO 8601: "2024-08-01".',
  specifiedByURL: "https://scalars.graphql.org/andimarek/local-date",
  // Output comes from `date` columns read as strings, which PostgreSQL only holds valid: the
  // format check is enough there. Anything else goes through graphql-scalars' full validation.
  serialize: (value) => (typeof value === "string" && DATE_FORMAT.test(value) ? value : serializeDate(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badInput('Date must be a string "YYYY-MM-DD".');
    return parseDate(ast.value);
  },
});

/** PostgreSQL's text form of a timestamptz: date, time with up to 6 fractional digits, offset. */
const PG_TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})?([+-]\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;

/**
 * A timestamptz column read as text ("2024-08-02 09:37:00.123456+00", the offset of the session's
 * time zone) as the ISO 8601 instant in UTC that Date#toISOString gives ("2024-08-02T09:37:00.123Z"),
 * so that the output does not depend on how the column was read. Other text forms (another
 * DateStyle, years past 9999) are read by Date; what Date cannot read, graphql-scalars refuses.
 */
function isoFromPostgres(text: string): string {
  const match = PG_TIMESTAMPTZ.exec(text);
  if (!match) {
    // Not the ISO DateStyle, or a year past 9999: whatever Date reads as an instant, else refused.
    const instant = new Date(text);
    return Number.isNaN(instant.getTime()) ? (DateTimeISOResolver.serialize(text) as string) : instant.toISOString();
  }
  const [, date, time, fraction = "", hours, minutes = "00", seconds] = match;
  // Date parses milliseconds only (microseconds are dropped, as toISOString would drop them) and
  // offsets without seconds (PostgreSQL prints seconds only for historical local mean times).
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, "0") : "";
  const offsetSeconds = seconds ? Number(`${hours?.[0]}1`) * Number(seconds) : 0;
  const instant = Date.parse(`${date}T${time}${millis}${hours}:${minutes}`) - offsetSeconds * 1000;
  return new Date(instant).toISOString();
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: 'A point in time, ISO 8601 with offset: "2024-08-02T09:37:00.000Z".',
  specifiedByURL: "https://scalars.graphql.org/andimarek/date-time",
  serialize: (value) =>
    typeof value === "string" ? isoFromPostgres(value) : (DateTimeISOResolver.serialize(value) as string),
  parseValue: (value) => {
    try {
      return DateTimeISOResolver.parseValue(value) as Date;
    } catch {
      throw badInput(`DateTime must be ISO 8601 with an offset, got ${JSON.stringify(value)?.slice(0, 40)}.`);
    }
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badInput("DateTime must be a string.");
    try {
      return DateTimeISOResolver.parseValue(ast.value) as Date;
    } catch {
      throw badInput(`DateTime must be ISO 8601 with an offset, got "${ast.value.slice(0, 40)}".`);
    }
  },
});
