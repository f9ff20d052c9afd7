// Hostile arguments of read fields, over HTTP, SSE and graphql-ws: searches that would cost the
// database seconds or break its parser, and global ids that name no type of ours. Each gets a
// clear answer (BAD_USER_INPUT, or what any id that names nothing gets) and nothing at error level.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskGraphqlError } from "../src/http/errors.js";
import { send, TRANSPORTS } from "./support/admin.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ logs: true });
});
afterAll(async () => {
  await server?.close();
});

const id = (text: string) => Buffer.from(text).toString("base64url");
const errorLines = () => server.logs.filter((line) => (line.level as number) >= 50);
const PERSONS = "query ($s: String!) { persons(search: $s, first: 20) { totalCount nodes { name } } }";
const STATEMENTS = "query ($s: String!) { statements(search: $s, first: 5) { totalCount nodes { text } } }";

/** Searches that fold to one long word or a tall tsquery: refused, or answered as ordinary. */
const REFUSED_SEARCHES: [string, string, RegExp][] = [
  ["one Cyrillic letter that folds long, repeated", "щ".repeat(200), /word of more than 40 characters/],
  ["a symbol that unaccent expands to four letters, repeated", "㎉".repeat(41), /word of more than 40 characters/],
  ["a letter under a pile of combining marks", `a${"\u0301".repeat(60)}`, /word of more than 40 characters/],
  ["LIKE and regex metacharacters in one word", "%_\\.*+?()[]{}|^$".repeat(3), /word of more than 40/],
  ["more than 200 characters", "Seleznev ".repeat(30), /at most 200 characters/],
];

describe("name searches are bounded", () => {
  it.each(REFUSED_SEARCHES)("%s: BAD_USER_INPUT on every transport", async (_name, search, message) => {
    for (const transport of TRANSPORTS) {
      const answer = await send(server, transport, PERSONS, { s: search });
      expect(answer.data ?? null, transport).toBeNull();
      expect(answer.errors?.[0]?.message, transport).toMatch(message);
      expect(answer.errors?.[0]?.extensions?.code, transport).toBe("BAD_USER_INPUT");
    }
  });

  it("the worst searches within the bounds are answered, and their matches as before", async () => {
    const worst = ["щ".repeat(40), `${"щ".repeat(40)} `.repeat(4), "㎉".repeat(40), "%".repeat(40), "a ".repeat(100)];
    for (const transport of TRANSPORTS) {
      for (const search of worst) {
        const answer = await send(server, transport, PERSONS, { s: search });
        expect(answer.errors, `${transport} ${search.slice(0, 10)}`).toBeUndefined();
      }
      // Decomposed input (NFC'd before folding) still finds the person; a regex character is literal.
      const decomposed = await send(server, transport, PERSONS, { s: "Seleznëv".normalize("NFD") });
      expect(decomposed.data?.persons.nodes[0]?.name, transport).toBe("Roman Seleznev");
      const metachars = await send(server, transport, PERSONS, { s: "Selez.*" });
      expect(metachars.errors, transport).toBeUndefined();
    }
  });

  it("twenty of the worst searches at once do not hold up a plain query", async () => {
    const worst = Array.from({ length: 20 }, (_, i) => (i % 2 ? "щ".repeat(200) : `${"㎉".repeat(40)} `.repeat(4)));
    const searches = worst.map((s) => server.gql(PERSONS, { s }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const answered = await server.gql("{ persons(first: 1) { nodes { name } } }");
    const waited = performance.now() - started;
    await Promise.all(searches);
    expect(answered.data?.persons.nodes).toHaveLength(1);
    expect(waited).toBeLessThan(2_000);
  });
});

describe("full-text searches cannot overflow the tsquery parser", () => {
  const searches = [
    "-".repeat(33),
    "- ".repeat(60),
    "-!".repeat(60),
    `${"-".repeat(50)}prisoners`,
    "--\u0301-".repeat(30),
  ];
  it.each(searches.map((s) => [JSON.stringify(s.slice(0, 12)), s]))(
    "%s…: answered on every transport",
    async (_name, search) => {
      for (const transport of TRANSPORTS) {
        const answer = await send(server, transport, STATEMENTS, { s: search });
        expect(answer.errors, transport).toBeUndefined();
        expect(answer.data?.statements.totalCount, transport).toEqual(expect.any(Number));
      }
      expect(errorLines()).toEqual([]);
    },
  );

  it("a run of '-' is one NOT", async () => {
    const all = await server.gql(STATEMENTS, { s: "prisoners" });
    const not = await server.gql(STATEMENTS, { s: `fatherland ${"-".repeat(40)}prisoners` });
    const once = await server.gql(STATEMENTS, { s: "fatherland -prisoners" });
    expect(all.data?.statements.totalCount).toBeGreaterThan(0);
    expect(not.data?.statements).toEqual(once.data?.statements);
  });

  it("the database's own refusal, should one get through, is BAD_USER_INPUT", async () => {
    const failure = await server.database.db
      .execute(sql`select websearch_to_tsquery('english', ${"-".repeat(40)})`)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(String((failure as Error)?.message ?? failure)).toMatch(/Failed query|tsquery/);
    const shown = maskGraphqlError(failure) as { message: string; extensions?: Record<string, unknown> };
    expect(shown.message).toMatch(/Argument "search" is too complex/);
    expect(shown.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("global ids of no type of ours", () => {
  const ids = [id("Zzz:1"), id("Node:1"), id("Error:1"), id("Query:1")];
  it.each(ids.map((each) => [Buffer.from(each, "base64url").toString(), each]))(
    "%s: node and nodes answer null, as for a missing row, on every transport",
    async (_name, each) => {
      const query = "query ($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }";
      for (const transport of TRANSPORTS) {
        const answer = await send(server, transport, query, { id: each });
        expect(answer, transport).toEqual({ data: { node: null, nodes: [null] } });
      }
      expect(errorLines()).toEqual([]);
    },
  );
});

describe("POST bodies", () => {
  const post = async (body: string | Uint8Array<ArrayBuffer>, type = "application/json") => {
    const response = await fetch(server.url, { method: "POST", headers: { "content-type": type }, body });
    return {
      status: response.status,
      body: (await response.json()) as { data?: unknown; errors?: { message: string }[] },
    };
  };
  const query = JSON.stringify({ query: "{ __typename }" });

  it("runs a JSON object under every JSON media type Yoga takes", async () => {
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      "application/graphql+json",
      "application/json, text/plain",
    ]) {
      expect(await post(query, type), type).toEqual({ status: 200, body: { data: { __typename: "Query" } } });
    }
  });

  it("answers a body that is not a JSON object as Yoga does, with 400 and the reason", async () => {
    const cases: [string | Uint8Array<ArrayBuffer>, string][] = [
      ["null", "POST body is expected to be object but received null"],
      ['"x"', "POST body is expected to be object but received string"],
      ["123", "POST body is expected to be object but received number"],
      ["{", "POST body sent invalid JSON."],
      [new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(query)]), "POST body sent invalid JSON."],
      [`[${query}]`, "Batching is not supported."],
    ];
    for (const [body, message] of cases) {
      const answer = await post(body);
      expect(answer.status, String(body)).toBe(400);
      expect(answer.body.errors?.map((error) => error.message)).toEqual([message]);
    }
  });
});
