// A query runs under graphql-js the first time and as compiled code (graphql-jit) from its second
// run: a client must not be able to tell which, by the answer, the errors, the status or the SQL.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SHARED_PATHS } from "../src/graphql/compiled-queries.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

const compiles = vi.hoisted(() => ({ count: 0 }));
vi.mock("graphql-jit", async (importOriginal) => {
  const jit = await importOriginal<typeof import("graphql-jit")>();
  return {
    ...jit,
    compileQuery: (...args: Parameters<typeof jit.compileQuery>) => {
      compiles.count += 1;
      return jit.compileQuery(...args);
    },
  };
});

let server: TestServer;
const FEED = /feed_event|feed_head|pg_notify/;

beforeAll(async () => {
  // No response cache: every run executes.
  server = await startServer({ env: { RESPONSE_CACHE_SIZE: "0" } });
});
afterAll(() => server?.close());

/** `errors`: the answer is meant to carry errors. */
/** `errors`: the answer is meant to carry errors; `compiled: false`, graphql-js must keep it. */
type Case = {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  admin?: boolean;
  errors?: boolean;
  compiled?: false;
};
const CASES: Record<string, Case> = {
  "a nested read through fragments and directives": {
    query: `query Nested($slug: String!, $n: Int, $withSentences: Boolean!) {
      exchangeEvent(slug: $slug) {
        name occurredOn releaseCount
        releases { releasedOn fromCountry toCountry person { ...Who } }
      }
    }
    fragment Who on Person {
      id name
      sentences @include(if: $withSentences) { kind termMonths sentencedOn }
      statements(first: $n) { totalCount edges { cursor node { text saidOn speaker { name } } } pageInfo { hasNextPage endCursor } }
    }`,
    variables: { slug: "2024-08-01-ankara", n: 2, withSentences: true },
  },
  "a page of persons with cursors and a count": {
    query: `{ persons(first: 7, after: null) { totalCount edges { cursor node { __typename id name aliases } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
  },
  "a search across transliterations": {
    query: `query ($q: String!) { persons(search: $q, first: 3) { nodes { name } } }`,
    variables: { q: "Krassikov" },
  },
  "aliases, an interface and an inline fragment": {
    query: `{ first: exchangeEvent(slug: "2024-08-01-ankara") { id slug } other: exchangeEvent(slug: "2010-07-09-vienna") { slug releases { person { name } } } stats { persons releases } }`,
  },
  "an admin's read of retracted facts": {
    query: `{ persons(first: 3, includeRetracted: true) { nodes { name version retraction { at reason sources { url } } mergedInto { name } history(first: 2) { nodes { __typename } } } } }`,
    admin: true,
  },
  "introspection (kept on graphql-js)": {
    query: `{ __type(name: "Person") { name fields { name type { name kind ofType { name } } } } __schema { queryType { name } } }`,
    compiled: false,
  },
  "one fragment spread three times, once skipped and once not included": {
    query: `query ($no: Boolean!) { a: stats { ...S @skip(if: true) } b: stats { ...S } c: stats { ...S @include(if: $no) } }
      fragment S on Stats { persons }`,
    variables: { no: false },
  },
  // graphql-jit names a resolver's info by its path's keys joined with "_": b_a and a.b are one.
  "an alias that reads as a path (kept on graphql-js)": {
    query: `{ b_a: exchangeEvent(slug: "2010-07-09-vienna") { slug releases { person { name } } }
      a: exchangeEvent(slug: "2024-08-01-ankara") { b: releases { releasedOn } } }`,
    compiled: false,
  },
  "@include with a nullable variable given null (kept on graphql-js)": {
    query: `query ($s: Boolean = true) { feedCursor @include(if: $s) stats { persons } }`,
    variables: { s: null },
    errors: true,
    compiled: false,
  },
  "a resolver's error, with data beside it": {
    query: `{ node(id: "not an id!") { id } stats { persons } }`,
    errors: true,
  },
  "an error that nulls the root": {
    query: `{ releases(after: "bogus") { nodes { id } } }`,
    errors: true,
  },
  "variables that do not fit": {
    query: `query ($n: Int!) { persons(first: $n) { nodes { name } } }`,
    variables: { n: "many" },
    errors: true,
  },
};

async function run({ query, variables, operationName, admin }: Case) {
  server.statements.length = 0;
  const response = await fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(admin ? { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } : {}),
    },
    body: JSON.stringify({ query, variables, operationName }),
  });
  const sql = server.statements.filter((text) => !FEED.test(text));
  return { status: response.status, body: await response.text(), sql };
}

describe("a query asked again", () => {
  it.each(Object.entries(CASES))("%s: the same answer, status and SQL on every run", async (_name, request) => {
    const first = await run(request);
    expect(first.body).not.toMatch(/Unexpected error/);
    expect("errors" in JSON.parse(first.body)).toBe(Boolean(request.errors));
    const compiledBefore = compiles.count;
    const second = await run(request);
    const third = await run(request);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    // Compiled once, on its second run.
    expect(compiles.count - compiledBefore).toBe(request.compiled === false ? 0 : 1);
  });

  it("one operation compiled leaves the others of the same document as they were", async () => {
    // graphql-jit marks @skip/@include on the nodes it compiles; Yoga shares one document object
    // between every request with the same text, whichever operation they run.
    const query = `query A($x: Boolean!) { stats { ...S @include(if: $x) } } query B { stats { ...S } }
      fragment S on Stats { persons }`;
    const b = await run({ query, operationName: "B" });
    expect(JSON.parse(b.body).data.stats.persons).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await run({ query, operationName: "A", variables: { x: false } });
    for (let i = 0; i < 3; i++) expect(await run({ query, operationName: "B" })).toEqual(b);
  });

  it("a nested read stays one SQL statement when compiled", async () => {
    const request = CASES["a nested read through fragments and directives"] as Case;
    for (let i = 0; i < 3; i++) {
      const { sql, body } = await run(request);
      expect(JSON.parse(body).errors).toBeUndefined();
      expect(sql.filter((text) => /^\s*select/i.test(text))).toHaveLength(1);
    }
  });

  it("never compiles a document whose string literal graphql-jit would turn into code", async () => {
    // graphql-jit 0.8.9 writes literal arguments into its code as JSON and turns a string that
    // starts with its published date marker back into code: this search would run on the server.
    const marker = "__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d";
    const flag = "__compiledInjection";
    const query = `{ persons(first: 1, search: "${marker}0), x: (globalThis.${flag} = 1), y: (0") { nodes { name } } }`;
    const before = compiles.count;
    const first = await run({ query });
    for (let i = 0; i < 3; i++) expect(await run({ query })).toEqual(first);
    expect((globalThis as Record<string, unknown>)[flag]).toBeUndefined();
    expect(compiles.count).toBe(before);
    expect(first.status).toBe(200);
  });

  it("mutations are never compiled; a query sent once is not compiled", async () => {
    const before = compiles.count;
    const mutation = `mutation { addSource(input: { url: "https://example.org/compiled-${Date.now()}", publisher: "Example" }) { __typename } }`;
    for (let i = 0; i < 2; i++) {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        body: JSON.stringify({ query: mutation }),
      });
      expect(await response.json()).toEqual({ data: { addSource: { __typename: expect.any(String) } } });
    }
    await run({ query: `{ persons(first: 1) { nodes { name } } stats { exchanges } }` });
    expect(compiles.count).toBe(before);
  });
});

describe("requests of one compiled operation, which share its response paths", () => {
  const NESTED = `query Nested($slug: String!) {
    exchangeEvent(slug: $slug) {
      name
      releases { releasedOn person { name sentences { kind termMonths } statements(first: 2) { nodes { text } } } }
    }
  }`;
  const SLUGS = [
    "2024-08-01-ankara",
    "2010-07-09-vienna",
    "2022-04-27-turkiye",
    "2022-12-08-abu-dhabi",
    "2025-02-11-fogel-vinnik",
    "2025-04-10-abu-dhabi",
  ];
  const selects = () => server.statements.filter((text) => !FEED.test(text) && /^\s*select/i.test(text)).length;

  /** Each slug's answer, asked alone until it is compiled. */
  async function alone(): Promise<string[]> {
    const answers: string[] = [];
    for (const slug of SLUGS) {
      for (let i = 0; i < 2; i++) await run({ query: NESTED, variables: { slug } });
      const { body, sql } = await run({ query: NESTED, variables: { slug } });
      expect(JSON.parse(body).data.exchangeEvent.releases.length).toBeGreaterThan(0);
      expect(sql.filter((text) => /^\s*select/i.test(text))).toHaveLength(1);
      answers.push(body);
    }
    return answers;
  }

  /** Every slug asked at once, three times over: each answer as it was alone, one statement each. */
  async function together(answers: string[]) {
    for (let round = 0; round < 3; round++) {
      server.statements.length = 0;
      const bodies = await Promise.all(SLUGS.map((slug) => run({ query: NESTED, variables: { slug } })));
      expect(bodies.map(({ body }) => body)).toEqual(answers);
      expect(selects()).toBe(SLUGS.length);
    }
  }

  it("answers requests in flight together as it answers each alone, in one SQL statement each", async () => {
    await together(await alone());
  });

  it("a request that finds its operation's paths full keeps its own, and is answered alike", async () => {
    const answers = await alone();
    const cap = SHARED_PATHS.linksPerOperation;
    SHARED_PATHS.linksPerOperation = 1;
    try {
      await together(answers);
    } finally {
      SHARED_PATHS.linksPerOperation = cap;
    }
  });

  it("one path that finds a different type from one request to the next", async () => {
    const ids = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ persons(first: 1) { nodes { id } } exchangeEvent(slug: "2024-08-01-ankara") { id } }`,
      }),
    }).then((response) => response.json());
    const query = `query ($id: ID!) { node(id: $id) { __typename
      ... on Person { name sentences { kind } statements(first: 1) { nodes { text } } }
      ... on ExchangeEvent { name releases { person { name } } } } }`;
    const person = { query, variables: { id: ids.data.persons.nodes[0].id } };
    const exchange = { query, variables: { id: ids.data.exchangeEvent.id } };
    const asPerson = await run(person);
    const asExchange = await run(exchange);
    expect(JSON.parse(asPerson.body).data.node.__typename).toBe("Person");
    expect(JSON.parse(asExchange.body).data.node.__typename).toBe("ExchangeEvent");
    for (let i = 0; i < 3; i++) {
      expect(await run(person)).toEqual(asPerson);
      expect(await run(exchange)).toEqual(asExchange);
    }
  });
});

describe("a fault in the service's own data", () => {
  let faulty: TestServer;
  beforeAll(async () => {
    faulty = await startServer({ env: { RESPONSE_CACHE_SIZE: "0" }, logs: true });
    // What no write of the service makes, as a hand edit or a bad migration might leave it: a
    // null in a non-null field, and a date no scalar can serialise.
    await faulty.database.db.execute(sql`alter table exchange_event alter column name drop not null`);
    await faulty.database.db.execute(sql`update exchange_event set name = null where slug = '2024-08-01-ankara'`);
    await faulty.database.db.execute(
      sql`update exchange_event set occurred_on = 'infinity' where slug = '2010-07-09-vienna'`,
    );
  });
  afterAll(() => faulty?.close());

  it.each([
    [
      "a null in a non-null field",
      "2024-08-01-ankara",
      "name",
      "Cannot return null for non-nullable field ExchangeEvent.name.",
    ],
    [
      "a leaf its scalar cannot serialise",
      "2010-07-09-vienna",
      "occurredOn",
      "Value is not a valid LocalDate: infinity",
    ],
  ])("%s is masked and logged alike whether the query runs compiled or not", async (_name, slug, field, logged) => {
    const query = `{ exchangeEvent(slug: "${slug}") { slug ${field} } }`;
    const ask = async () => {
      const before = faulty.logs.length;
      const response = await fetch(faulty.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      const logs = faulty.logs.slice(before).filter((line) => line.msg === "unexpected error");
      return { status: response.status, body: await response.text(), logs };
    };
    const compiledBefore = compiles.count;
    const runs = [await ask(), await ask(), await ask()];
    expect(compiles.count - compiledBefore).toBe(1);
    const first = runs[0] as Awaited<ReturnType<typeof ask>>;
    expect(JSON.parse(first.body)).toMatchObject({
      data: { exchangeEvent: null },
      errors: [
        { message: "Unexpected error.", path: ["exchangeEvent", field], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      ],
    });
    for (const run of runs) {
      expect({ status: run.status, body: run.body }).toEqual({ status: first.status, body: first.body });
      // The operator learns what went wrong, and where, on every run.
      expect(run.logs.map((line) => [line.path, (line.err as { message: string }).message])).toEqual([
        [["exchangeEvent", field], logged],
      ]);
    }
  });
});
