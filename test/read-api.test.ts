import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTimeScalar } from "../src/graphql/scalars.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

let server: TestServer;
/** The feed hub's own reads, which the response cache keeps going while nobody subscribes. */
const FEED = /feed_event|feed_head|pg_notify/;
const isAppSelect = (sql: string) => /^\s*select/i.test(sql) && !FEED.test(sql);
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe("the built-in reference data set", () => {
  it("answers the README's first query: Krassikov finds Vadim Krasikov, LIFE from DE, the 2024-08-01 exchange", async () => {
    const result = await server.gql(
      `{ persons(search: "Krassikov") { nodes { name sentences { kind country } releases { exchange { occurredOn } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const first = result.data?.persons.nodes[0];
    expect(first.name).toBe("Vadim Krasikov");
    expect(first.sentences).toEqual([{ kind: "LIFE", country: "DE" }]);
    expect(first.releases).toEqual([{ exchange: { occurredOn: "2024-08-01" } }]);
  });

  it("has all six exchanges, and 24 releases in 2024: 16 by Russia and Belarus, 8 to Russia", async () => {
    const events = await server.gql(`{ exchangeEvents(first: 10) { totalCount nodes { slug occurredOn } } }`);
    expect(events.data?.exchangeEvents.totalCount).toBe(6);
    const ankara = await server.gql(
      `{ exchangeEvent(slug: "2024-08-01-ankara") { id releaseCount releases { fromCountry toCountry } } }`,
    );
    const event = ankara.data?.exchangeEvent;
    expect(event.releases).toHaveLength(24);
    expect(event.releaseCount).toBe(24);
    const byRussiaOrBelarus = event.releases.filter((r: { fromCountry: string }) =>
      ["RU", "BY"].includes(r.fromCountry),
    );
    const toRussia = event.releases.filter((r: { toCountry: string }) => r.toCountry === "RU");
    expect(byRussiaOrBelarus).toHaveLength(16);
    expect(toRussia).toHaveLength(8);
    const filtered = await server.gql(
      `query ($id: ID!) { releases(exchangeId: $id, toCountry: "RU", first: 50) { totalCount } }`,
      { id: event.id },
    );
    expect(filtered.data?.releases.totalCount).toBe(8);
  });

  it("records Roman Seleznev's sentence as a TERM of 324 months from US", async () => {
    const result = await server.gql(
      `{ persons(search: "Seleznev") { nodes { name sentences { kind termMonths country } } } }`,
    );
    expect(result.data?.persons.nodes[0]).toEqual({
      name: "Roman Seleznev",
      sentences: [{ kind: "TERM", termMonths: 324, country: "US" }],
    });
  });

  it("finds statements by full-text search: 'fatherland' finds Antonov's Telegram statement", async () => {
    const result = await server.gql(
      `{ statements(search: "fatherland") { totalCount nodes { channel speaker { name } sources { publisher } } } }`,
    );
    expect(result.data?.statements.totalCount).toBeGreaterThanOrEqual(1);
    const first = result.data?.statements.nodes[0];
    expect(first.speaker.name).toBe("Anatoly Antonov");
    expect(first.channel).toBe("Telegram");
    expect(first.sources.map((s: { publisher: string }) => s.publisher)).toContain("Keystone-SDA");
  });

  it("counts everything for dashboards in stats", async () => {
    const result = await server.gql(
      `{ stats { persons releases statements exchanges releasesByCountry { country count } } }`,
    );
    expect(result.data?.stats).toMatchObject({ persons: 59, releases: 46, statements: 13, exchanges: 6 });
    const ru = result.data?.stats.releasesByCountry.find((c: { country: string }) => c.country === "RU");
    expect(ru.count).toBeGreaterThan(10);
  });
});

describe("person search survives transliteration", () => {
  it.each([
    ["Krassikov", "Vadim Krasikov"],
    ["Zelesnyov", "Roman Seleznev"],
    ["Kara-Mursa", "Vladimir Kara-Murza"],
    ["Kliushin", "Vladislav Klyushin"],
    ["schobel", "Patrick Schöbel"],
    ["Селезнёв", "Roman Seleznev"],
    ["Konoschtschjonok", "Vadim Konoshchenok"],
  ])("%s finds %s first", async (search, name) => {
    const result = await server.gql(`query ($s: String) { persons(search: $s) { nodes { name } } }`, { s: search });
    expect(result.errors).toBeUndefined();
    expect(result.data?.persons.nodes[0]?.name).toBe(name);
  });

  it("pages through ranked results without repeats", async () => {
    const all = await server.gql(`{ persons(search: "Vadim", first: 10) { totalCount nodes { name } } }`);
    const names = all.data?.persons.nodes.map((n: { name: string }) => n.name);
    expect(names).toEqual(expect.arrayContaining(["Vadim Krasikov", "Vadim Ostanin", "Vadim Konoshchenok"]));
    expect(all.data?.persons.totalCount).toBe(names.length);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: any = await server.gql(
        `query ($after: String) { persons(search: "Vadim", first: 1, after: $after) { pageInfo { endCursor hasNextPage } nodes { name } } }`,
        { after },
      );
      seen.push(...result.data.persons.nodes.map((n: { name: string }) => n.name));
      if (!result.data.persons.pageInfo.hasNextPage) break;
      after = result.data.persons.pageInfo.endCursor;
    }
    expect(seen).toEqual(names);
  });

  it("filters by nationality, alone and with a search", async () => {
    const german = await server.gql(
      `{ persons(nationality: "DE", first: 100) { totalCount nodes { name nationalities } } }`,
    );
    expect(german.data?.persons.totalCount).toBeGreaterThanOrEqual(5);
    for (const p of german.data?.persons.nodes ?? []) expect(p.nationalities).toContain("DE");
    const both = await server.gql(`{ persons(search: "Krieger", nationality: "DE") { nodes { name } } }`);
    expect(both.data?.persons.nodes[0]?.name).toBe("Rico Krieger");
    const none = await server.gql(`{ persons(search: "Krieger", nationality: "RU") { totalCount } }`);
    expect(none.data?.persons.totalCount).toBe(0);
  });

  it("finds nobody for a name nobody has", async () => {
    const result = await server.gql(`{ persons(search: "Zzyzx Qwerty") { totalCount nodes { name } } }`);
    expect(result.data?.persons).toEqual({ totalCount: 0, nodes: [] });
  });
});

describe("reads are planned into one SQL statement per root field", () => {
  it("plans a 4-level query over 25+ releases into a single statement", async () => {
    server.statements.length = 0;
    const result = await server.gql(`{
      releases(first: 40) {
        edges { cursor node {
          releasedOn
          person { name sentences { kind sources { publisher } } mentions(first: 3) { nodes { text speaker { name } } } }
          exchange { slug sources { url } }
          sentence { termMonths person { name } }
        } }
      }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.releases.edges.length).toBe(40);
    expect(server.statements.filter(isAppSelect)).toHaveLength(1);
  });

  it("pages with cursors: two pages of 20 are the first 40 without overlap", async () => {
    const all = await server.gql(`{ releases(first: 40) { nodes { id } } }`);
    const page1 = await server.gql(`{ releases(first: 20) { pageInfo { endCursor hasNextPage } nodes { id } } }`);
    const page2 = await server.gql(`query ($after: String) { releases(first: 20, after: $after) { nodes { id } } }`, {
      after: page1.data?.releases.pageInfo.endCursor,
    });
    expect(page1.data?.releases.pageInfo.hasNextPage).toBe(true);
    expect([...(page1.data?.releases.nodes ?? []), ...(page2.data?.releases.nodes ?? [])]).toEqual(
      all.data?.releases.nodes,
    );
  });
});

describe("a person's statements: a connection loaded with its parent", () => {
  type Edge = { cursor: string; node: { id: string; speaker: { id: string } } };
  type Page = {
    totalCount?: number;
    edges: Edge[];
    nodes?: { id: string }[];
    pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
  };
  const PAGE = `edges { cursor node { id speaker { id } } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage }`;

  it("pages forwards and backwards with edge cursors, and pageInfo names the first and last edge", async () => {
    const everyone = await server.gql(`{ persons(first: 100) { nodes { id statements { totalCount } } } }`);
    expect(everyone.errors).toBeUndefined();
    const persons = everyone.data?.persons.nodes as { id: string; statements: { totalCount: number } }[];
    const person = [...persons].sort((a, b) => b.statements.totalCount - a.statements.totalCount)[0];
    expect(person?.statements.totalCount).toBeGreaterThanOrEqual(2);
    const page = async (args: string, variables: Record<string, unknown> = {}) => {
      const result = await server.gql(
        `query ($id: ID!${Object.keys(variables)
          .map((name) => `, $${name}: String`)
          .join("")}) { node(id: $id) { ... on Person { statements(${args}) { totalCount nodes { id } ${PAGE} } } } }`,
        { id: person?.id, ...variables },
      );
      expect(result.errors).toBeUndefined();
      return result.data?.node.statements as Page;
    };
    const all = await page("first: 50");
    const ids = all.edges.map((edge) => edge.node.id);
    expect(ids).toHaveLength(person?.statements.totalCount ?? -1);
    expect(all.nodes?.map((node) => node.id)).toEqual(ids);
    expect(new Set(all.edges.map((edge) => edge.cursor)).size).toBe(ids.length);

    const first = await page("first: 1");
    expect(first.edges.map((edge) => edge.node.id)).toEqual(ids.slice(0, 1));
    expect(first.pageInfo).toEqual({
      startCursor: first.edges[0]?.cursor,
      endCursor: first.edges[0]?.cursor,
      hasNextPage: true,
      hasPreviousPage: false,
    });
    const rest = await page("first: 50, after: $after", { after: first.pageInfo.endCursor });
    expect(rest.edges.map((edge) => edge.node.id)).toEqual(ids.slice(1));
    expect(rest.pageInfo.hasPreviousPage).toBe(true);
    expect(rest.pageInfo.endCursor).toBe(all.pageInfo.endCursor);

    const back = await page("last: 1, before: $before", { before: all.edges[1]?.cursor });
    expect(back.edges.map((edge) => edge.node.id)).toEqual(ids.slice(0, 1));
    expect(back.pageInfo.startCursor).toBe(first.pageInfo.startCursor);
    expect(back.pageInfo.endCursor).toBe(first.pageInfo.endCursor);
    expect(back.pageInfo.hasNextPage).toBe(true);
    // The last two, in order: pageInfo reads the page's ends after it is put back in order.
    const lastTwo = await page("last: 2");
    expect(lastTwo.edges.map((edge) => edge.node.id)).toEqual(ids.slice(-2));
    expect(lastTwo.pageInfo.startCursor).toBe(all.edges.at(-2)?.cursor);
    expect(lastTwo.pageInfo.endCursor).toBe(all.edges.at(-1)?.cursor);
  });

  it("gives every person of a list their own statements and cursors, one query for all", async () => {
    const result = await server.gql(`{ persons(first: 100) { nodes { id statements(first: 1) { ${PAGE} } } } }`);
    expect(result.errors).toBeUndefined();
    const persons = result.data?.persons.nodes as { id: string; statements: Page }[];
    const withStatements = persons.filter((p) => p.statements.edges.length > 0);
    expect(withStatements.length).toBeGreaterThanOrEqual(2);
    for (const p of withStatements) {
      expect(p.statements.edges[0]?.node.speaker.id).toBe(p.id);
      expect(p.statements.pageInfo.startCursor).toBe(p.statements.edges[0]?.cursor);
    }
    const cursors = withStatements.map((p) => p.statements.edges[0]?.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    for (const p of persons.filter((q) => q.statements.edges.length === 0))
      expect(p.statements.pageInfo).toEqual({
        startCursor: null,
        endCursor: null,
        hasNextPage: false,
        hasPreviousPage: false,
      });
  });
});

describe("one document asked with different variables", () => {
  const selects = () => server.statements.filter(isAppSelect).length;
  const NESTED = `query ($slug: String!, $n: Int, $sentences: Boolean!) {
    exchangeEvent(slug: $slug) {
      slug
      releases { person { ...Who } }
    }
  }
  fragment Who on Person { name sentences @include(if: $sentences) { kind } statements(first: $n) { nodes { speaker { name } } } }`;
  type Answer = {
    slug: string;
    releases: {
      person: { name: string; sentences?: { kind: string }[]; statements: { nodes: { speaker: { name: string } }[] } };
    }[];
  };
  const ask = async (variables: Record<string, unknown>) => {
    server.statements.length = 0;
    // With credentials: a repeat would otherwise come from the response cache, without SQL.
    const result = await server.gql(NESTED, variables, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    expect(result.errors).toBeUndefined();
    // Still one statement: the reused plan's mappings reach this request's resolvers.
    expect(selects()).toBe(1);
    return result.data?.exchangeEvent as Answer;
  };
  const most = (answer: Answer) => Math.max(...answer.releases.map((r) => r.person.statements.nodes.length));

  it("follows the variables used beneath the root field, fragments and directives included", async () => {
    // Smaller first: a plan reused for more than it loaded would show too few rows, or load the
    // rest with statements of its own.
    const none = await ask({ slug: "2024-08-01-ankara", n: 0, sentences: false });
    expect(most(none)).toBe(0);
    expect(none.releases.every((r) => r.person.sentences === undefined)).toBe(true);
    const one = await ask({ slug: "2024-08-01-ankara", n: 1, sentences: true });
    expect(most(one)).toBe(1);
    expect(one.releases.some((r) => (r.person.sentences?.length ?? 0) > 0)).toBe(true);
    expect(await ask({ slug: "2024-08-01-ankara", n: 0, sentences: false })).toEqual(none);
    for (const { person } of one.releases)
      for (const statement of person.statements.nodes) expect(statement.speaker.name).toBe(person.name);

    const everyone = await server.gql(`{ persons(first: 100) { nodes { name statements { totalCount } } } }`);
    const talker = (
      (everyone.data?.persons.nodes ?? []) as { name: string; statements: { totalCount: number } }[]
    ).find((p) => p.statements.totalCount >= 2);
    expect(talker).toBeDefined();
    const page = `query ($q: String!, $n: Int) { persons(search: $q, first: 1) { nodes { statements(first: $n) { nodes { text } } } } }`;
    const counts = [];
    for (const n of [0, 2, 1]) {
      const result = await server.gql(page, { q: talker?.name, n });
      counts.push(result.data?.persons.nodes[0].statements.nodes.length);
    }
    expect(counts).toEqual([0, 2, 1]);
  });

  it("gives a relation asked under two aliases its own page for each, on every row of a list", async () => {
    type Page = { totalCount: number; nodes: { text: string }[] };
    const result = await server.gql(
      `{ persons(first: 100) { nodes { name
          latest: statements(first: 1) { totalCount nodes { text } }
          more: statements(first: 3) { totalCount nodes { text } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const persons = result.data?.persons.nodes as { latest: Page; more: Page }[];
    expect(persons.length).toBeGreaterThan(20);
    for (const { latest, more } of persons) {
      expect(latest.totalCount).toBe(more.totalCount);
      expect(latest.nodes).toHaveLength(Math.min(1, more.totalCount));
      expect(more.nodes).toHaveLength(Math.min(3, more.totalCount));
      expect(latest.nodes).toEqual(more.nodes.slice(0, 1));
    }
    expect(persons.some((p) => p.more.nodes.length >= 2)).toBe(true);
  });

  it("answers each root argument with its own rows", async () => {
    const events = await server.gql(`{ exchangeEvents(first: 10) { nodes { slug releaseCount } } }`);
    const all = events.data?.exchangeEvents.nodes as { slug: string; releaseCount: number }[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const event of all) {
      const answer = await ask({ slug: event.slug, n: 1, sentences: false });
      expect(answer.slug).toBe(event.slug);
      expect(answer.releases).toHaveLength(event.releaseCount);
    }
    for (const slug of ["no-such-exchange", "x".repeat(10_000), ""]) {
      const missing = await server.gql(NESTED, { slug, n: 1, sentences: false });
      expect(missing).toEqual({ data: { exchangeEvent: null } });
    }
    const search = `query ($q: String!) { persons(search: $q, first: 5) { nodes { name sentences { kind } } } }`;
    const krasikov = await server.gql(search, { q: "Krassikov" });
    const seleznev = await server.gql(search, { q: "Seleznev" });
    expect(krasikov.data?.persons.nodes[0]).toEqual({ name: "Vadim Krasikov", sentences: [{ kind: "LIFE" }] });
    expect(seleznev.data?.persons.nodes[0]).toEqual({ name: "Roman Seleznev", sentences: [{ kind: "TERM" }] });
  });
});

describe("global ids", () => {
  it("node(id:) resolves every type, and an id of nothing is null", async () => {
    const result = await server.gql(
      `{ releases(first: 1) { nodes { id person { id } exchange { id } sentence { id } sources { id } } } statements(first: 1) { nodes { id } } }`,
    );
    const release = result.data?.releases.nodes[0];
    const ids = [
      release.id,
      release.person.id,
      release.exchange.id,
      release.sources[0].id,
      result.data?.statements.nodes[0].id,
    ];
    const nodes = await server.gql(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(nodes.data?.nodes.map((n: { __typename: string }) => n.__typename)).toEqual([
      "Release",
      "Person",
      "ExchangeEvent",
      "Source",
      "Statement",
    ]);
    const missing = await server.gql(`{ node(id: "UGVyc29uOjk5OTk5") { id } }`);
    expect(missing).toEqual({ data: { node: null } });
  });

  it("nodes(ids:) answers a mix of present and missing ids at once, nulls in place", async () => {
    const present = (await server.gql(`{ releases(first: 3) { nodes { id } } }`)).data?.releases.nodes.map(
      (n: { id: string }) => n.id,
    );
    const missing = Array.from({ length: 97 }, (_, i) => Buffer.from(`Person:${900000 + i}`).toString("base64url"));
    const ids = [missing[0], present[0], ...missing.slice(1), present[1], present[2]];
    server.statements.length = 0;
    const started = performance.now();
    const result = await server.gql(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    const elapsed = performance.now() - started;
    expect(result.errors).toBeUndefined();
    const nodes = result.data?.nodes as ({ id: string } | null)[];
    expect(nodes).toHaveLength(100);
    expect(nodes.filter(Boolean).map((n) => n?.id)).toEqual(present);
    expect(nodes[0]).toBeNull();
    expect(nodes[1]?.id).toBe(present[0]);
    // One existence check per type and one load: not a query per id.
    expect(server.statements.filter((s) => !FEED.test(s)).length).toBeLessThanOrEqual(4);
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe("bad input gets a clear GraphQL error, never a 500", () => {
  it.each([
    ["a malformed global id", `{ node(id: "not an id!") { id } }`, /not a valid id/],
    [
      "an id of the wrong type",
      `{ releases(exchangeId: "UGVyc29uOjE") { nodes { id } } }`,
      /not the id of a ExchangeEvent/,
    ],
    ["first: -1", `{ releases(first: -1) { nodes { id } } }`, /"first" must be between 0 and 100/],
    ["first: 100000", `{ releases(first: 100000) { nodes { id } } }`, /"first" must be between 0 and 100/],
    ["an unknown country code", `{ releases(fromCountry: "XX") { nodes { id } } }`, /not an ISO 3166-1 alpha-2/],
    ["a lower-case country code", `{ persons(nationality: "ru") { nodes { id } } }`, /upper-case/],
    ["a malformed date", `{ exchangeEvents(from: "2024-02-30") { nodes { id } } }`, /calendar date/],
    ["a malformed cursor", `{ releases(after: "bogus") { nodes { id } } }`, /cursor/i],
  ])("%s", async (_name, query, message) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/select |stack|node_modules/i);
  });
});

describe("timestamps", () => {
  const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  it("recordedAt comes out as an ISO 8601 instant in UTC, at the time the data set was loaded", async () => {
    const result = await server.gql(
      `{ exchangeEvent(slug: "2024-08-01-ankara") { recordedAt releases { recordedAt person { recordedAt } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const event = result.data?.exchangeEvent;
    const times = [event.recordedAt, event.releases[0].recordedAt, event.releases[0].person.recordedAt];
    for (const time of times) {
      expect(time).toMatch(ISO_UTC);
      // Loaded when this file's server started: minutes ago at most, not in the future (give or
      // take a minute between the database's clock and ours).
      expect(Date.now() - Date.parse(time)).toBeGreaterThanOrEqual(-60_000);
      expect(Date.now() - Date.parse(time)).toBeLessThan(15 * 60_000);
    }
  });

  it("PostgreSQL's text form in any session time zone gives the same instant as a Date would", () => {
    const cases: [string, string][] = [
      ["2024-08-02 09:37:00.123456+00", "2024-08-02T09:37:00.123Z"],
      ["2024-08-02 09:37:00+00", "2024-08-02T09:37:00.000Z"],
      ["2024-08-02 11:37:00.1+02", "2024-08-02T09:37:00.100Z"],
      ["2024-08-02 04:07:00.999999-05:30", "2024-08-02T09:37:00.999Z"],
      // A historical local mean time: PostgreSQL prints the offset's seconds too.
      ["1880-01-01 00:00:00+00:53:28", "1879-12-31T23:06:32.000Z"],
    ];
    for (const [text, iso] of cases) expect(DateTimeScalar.serialize(text), text).toBe(iso);
    expect(DateTimeScalar.serialize(new Date("2024-08-02T09:37:00.123Z"))).toBe("2024-08-02T09:37:00.123Z");
    // Another DateStyle (the service pins ISO on its connections) still reads as the instant.
    expect(DateTimeScalar.serialize("Fri Aug 02 09:37:00.123 2024 UTC")).toBe("2024-08-02T09:37:00.123Z");
    expect(() => DateTimeScalar.serialize("yesterday")).toThrow();
  });
});
