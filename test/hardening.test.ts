// Hostile documents over every transport: each is refused with errors and no data, never a 5xx,
// the WebSocket stays open, and the service answers normally right after.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../src/http/limits.js";
import { fingerprint, send as sendOver, TRANSPORTS } from "./support/admin.js";
import { type Answer, RawSocket, send } from "./support/raw.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

let server: TestServer;
let socket: RawSocket;
beforeAll(async () => {
  server = await startServer();
  socket = await RawSocket.open(server.wsUrl);
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});

const nest = (open: string, inner: string, close: string, times: number) =>
  open.repeat(times) + inner + close.repeat(times);

type Hostile = {
  /** What the refusal says (where the answer is GraphQL JSON at all). */
  expected: RegExp;
  /** The document, or a raw body (bytes) where the class lives below the document. */
  query: string;
  variables?: Record<string, unknown>;
  /** Replaces the JSON body (POST, SSE) and the WebSocket message. */
  raw?: { body: Buffer | string; ws: Buffer | string; get: string };
};

const json = (value: unknown) => JSON.stringify(value);
const INVALID_UTF8 = Buffer.concat([
  Buffer.from('{"query":"{ persons(search: \\"'),
  Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
  Buffer.from('\\") { nodes { name } } }"}'),
]);
const wsFrame = (id: string, body: Buffer | string) =>
  Buffer.concat([Buffer.from(`{"id":"${id}","type":"subscribe","payload":`), Buffer.from(body), Buffer.from("}")]);
const deepList = nest("[", '"UGVyc29uOjE="', "]", 2_000);

/** docs/api.md's refused example (53,600), with its page sizes written in and as variables. */
const COSTLY = "{ persons(first: 100) { nodes { name statements(first: 20) { nodes { text saidOn channel } } } } }";
const COSTLY_VARIABLES =
  "query ($p: Int, $s: Int) { persons(first: $p) { nodes { name statements(first: $s) { nodes { text saidOn channel } } } } }";
const COSTLY_REFUSAL = /^Query Cost limit of 50000 exceeded, found 53600\.$/m;

const CORPUS: Record<string, (id: string) => Hostile> = {
  "depth bomb": () => ({
    expected: /depth limit of 10 exceeded/,
    query: `{ persons(first: 1) { nodes { ${nest("releases { person { ", "name", " } }", 8)} } } }`,
  }),
  "alias bomb": () => ({
    expected: /Aliases limit of 15 exceeded/,
    query: `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: stats { persons }`).join(" ")} }`,
  }),
  "token flood": () => ({
    expected: /Token limit of 1000 exceeded/,
    query: `{ ${"__typename ".repeat(LIMITS.tokens + 100)}}`,
  }),
  "directive flood": () => ({
    expected: /Directives limit of 10 exceeded/,
    query: `{ __typename ${"@skip(if: false) ".repeat(60)}}`,
  }),
  "fragment cycle": () => ({
    expected: /Cannot spread fragment "A" within itself/,
    query: "{ ...A } fragment A on Query { ...B stats { persons } } fragment B on Query { ...A }",
  }),
  "__proto__ aliases": () => ({
    expected: /Alias "__proto__" is reserved/,
    query: "{ __proto__: stats { persons } constructor: stats { persons } __typename }",
  }),
  "multi-megabyte string": () => ({
    expected: /too large|larger than/,
    query: `{ persons(search: "${"x".repeat(2_500_000)}") { nodes { name } } }`,
  }),
  "introspection cycle": () => ({
    expected: /Introspection may nest at most 3/,
    query: `{ __schema { types { ${nest("fields { type { ", "name", " } }", 4)} } } }`,
  }),
  "invalid UTF-8": (id) => ({
    expected: /not valid UTF-8/,
    query: "",
    raw: {
      body: INVALID_UTF8,
      ws: wsFrame(id, INVALID_UTF8),
      get: "query=%7B%20persons(search%3A%20%22%FF%FE%22)%20%7B%20nodes%20%7B%20name%20%7D%20%7D%20%7D",
    },
  }),
  "deeply nested variables": () => ({
    expected: /"variables" is nested deeper than 16 levels/,
    query: "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
    variables: { ids: JSON.parse(deepList) },
  }),
  "huge lists in variables": () => ({
    expected: /A list in "variables" has more than 100 items/,
    query: "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
    variables: { ids: Array.from({ length: 1_000 }, () => "x") },
  }),
  "huge list literal": () => ({
    expected: /A list has 300 items; at most 100 are allowed/,
    query: `{ nodes(ids: [${Array.from({ length: 300 }, () => '"x"').join(",")}]) { id } }`,
  }),
  "batched arrays": (id) => {
    const batch = json(Array.from({ length: 50 }, () => ({ query: "{ stats { persons } }" })));
    return {
      expected: /Batching is not supported/,
      query: "",
      raw: {
        body: batch,
        ws: wsFrame(id, batch),
        get: Array.from({ length: 50 }, () => `query=${encodeURIComponent("{ stats { persons } }")}`).join("&"),
      },
    };
  },
  "cost over the limit": () => ({ expected: COSTLY_REFUSAL, query: COSTLY }),
  "cost over the limit, page sizes in variables": () => ({
    expected: COSTLY_REFUSAL,
    query: COSTLY_VARIABLES,
    variables: { p: 100, s: 20 },
  }),
  "unknown field with suggestions": () => ({
    expected: /Cannot query field "persns"/,
    query: "{ persns { nodes { nam } } }",
  }),
};

/** Refused: a 4xx, or GraphQL errors without data; never a 5xx, never data. */
function expectRefused(answer: Answer, transport: string, expected: RegExp) {
  expect(answer.status, `${transport}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  for (const payload of answer.payloads) {
    expect(payload.data ?? null, transport).toBeNull();
    expect(payload.errors?.length, transport).toBeGreaterThan(0);
  }
  if (answer.status < 400) expect(answer.payloads.length, transport).toBeGreaterThan(0);
  const messages = answer.payloads.flatMap((p) => p.errors ?? []).map((e) => e.message);
  if (answer.payloads.length > 0) expect(messages.join("\n"), transport).toMatch(expected);
  expect(answer.text).not.toMatch(/Did you mean|stack|node_modules|select |127\.0\.0\.1/i);
}

async function healthy() {
  const health = await fetch(server.url.replace("/graphql", "/health"));
  expect(health.status).toBe(200);
  const canary = await server.gql("{ stats { persons } }");
  expect(canary.data?.stats.persons).toBeGreaterThan(50);
  expect(socket.open).toBe(true);
  const id = `canary-${Math.random()}`;
  socket.sendJson({ id, type: "subscribe", payload: { query: "{ stats { persons } }" } });
  const messages = await socket.operation(id);
  expect(messages[0]).toMatchObject({ type: "next", payload: { data: { stats: {} } } });
}

describe("hostile documents", () => {
  it.each(Object.keys(CORPUS))("%s: refused over POST, GET, SSE and graphql-ws", async (name) => {
    const id = `op-${name.replace(/\W/g, "")}`;
    const hostile = (CORPUS[name] as (id: string) => Hostile)(id);
    const raw = hostile.raw?.body ?? json({ query: hostile.query, variables: hostile.variables });
    const body = typeof raw === "string" ? raw : new Uint8Array(raw);
    const headers = { "content-type": "application/json", accept: "application/graphql-response+json" };

    expectRefused(await send(server.url, { method: "POST", headers, body }), "POST", hostile.expected);

    const params = new URLSearchParams({ query: hostile.query });
    if (hostile.variables) params.set("variables", json(hostile.variables));
    const query = hostile.raw?.get ?? params.toString();
    expectRefused(
      await send(`${server.url}?${query}`, { headers: { accept: headers.accept } }),
      "GET",
      hostile.expected,
    );

    const sse = { "content-type": "application/json", accept: "text/event-stream" };
    expectRefused(await send(server.url, { method: "POST", headers: sse, body }), "SSE", hostile.expected);

    if (hostile.raw) socket.sendRaw(hostile.raw.ws);
    else socket.sendJson({ id, type: "subscribe", payload: { query: hostile.query, variables: hostile.variables } });
    const messages = await socket.operation(id);
    expect(messages.map((m) => m.type)).toEqual(["error"]);
    const wsErrors = (messages[0]?.payload ?? []) as { message: string }[];
    expect(wsErrors.map((e) => e.message).join("\n")).toMatch(hostile.expected);
    expect(messages[0]?.payload).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]),
    );
    expect(JSON.stringify(messages)).not.toMatch(/Did you mean|stack|node_modules|"http"/);

    await healthy();
  });
});

describe("a document's validation is remembered, its refusal too", () => {
  it.each(["depth bomb", "alias bomb", "fragment cycle", "cost over the limit", "unknown field with suggestions"])(
    "%s: refused alike every time, and a valid document beside it still runs",
    async (name) => {
      const hostile = (CORPUS[name] as (id: string) => Hostile)("again");
      const body = json({ query: hostile.query, variables: hostile.variables });
      const headers = { "content-type": "application/json", accept: "application/graphql-response+json" };
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await send(server.url, { method: "POST", headers, body }));
      expectRefused(answers[0] as Answer, "POST", hostile.expected);
      expect(answers.map(({ status, text }) => ({ status, text }))).toEqual(
        Array(3).fill({ status: answers[0]?.status, text: answers[0]?.text }),
      );
      await healthy();
    },
  );
});

describe("page sizes from variables are priced as literals", () => {
  const headers = { "content-type": "application/json", accept: "application/graphql-response+json" };

  it("the same refusal, status and body, with literals and with variables (POST and GET)", async () => {
    const literal = { query: COSTLY };
    const variables = { query: COSTLY_VARIABLES, variables: json({ p: 100, s: 20 }) };
    const post = (params: Record<string, string>) =>
      send(server.url, {
        method: "POST",
        headers,
        body: json({ ...params, variables: params.variables && JSON.parse(params.variables) }),
      });
    const get = (params: Record<string, string>) =>
      send(`${server.url}?${new URLSearchParams(params)}`, { headers: { accept: headers.accept } });
    for (const [name, over] of [
      ["POST", post],
      ["GET", get],
    ] as const) {
      server.statements.length = 0;
      const [a, b] = [await over(literal), await over(variables)];
      // Nothing ran: no SQL read a person (the feed's own polling may have run meanwhile).
      expect(
        server.statements.filter((text) => text.includes('"person"')),
        name,
      ).toEqual([]);
      expect(b.status, name).toBe(400);
      expect([b.status, b.payloads], name).toEqual([a.status, a.payloads]);
      expect(b.payloads[0]?.errors?.[0]?.extensions, name).toEqual({ code: "QUERY_TOO_COMPLEX" });
    }
  });

  it("a variable's default is priced; a cheap query with variables runs on every transport", async () => {
    const defaulted = `query ($p: Int = 100, $s: Int = 20) { ...F }
      fragment F on Query { persons(first: $p) { nodes { statements(first: $s) { nodes { text saidOn channel } } } } }`;
    const literal = defaulted
      .replace(/\(.*?\) /, "")
      .replace("$p", "100")
      .replace("$s", "20");
    for (const transport of TRANSPORTS) {
      const refused = await sendOver(server, transport, defaulted, {});
      expect(refused.data ?? null, transport).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code, transport).toBe("QUERY_TOO_COMPLEX");
      expect(refused.errors, transport).toEqual((await sendOver(server, transport, literal, {})).errors);
      const cheap = await sendOver(server, transport, COSTLY_VARIABLES, { p: 3, s: 2 });
      expect(cheap.errors, transport).toBeUndefined();
      expect((cheap.data as { persons: { nodes: unknown[] } }).persons.nodes, transport).toHaveLength(3);
    }
  });

  it("a subscription priced over the limit by its variables is refused over SSE and graphql-ws", async () => {
    const subscription = (n: string) =>
      `subscription ${n === "$n" ? "($n: Int) " : ""}{ statementAdded { statement { speaker {
        statements(first: ${n}) { nodes { speaker { mentions(first: ${n}) { nodes { text } } } } } } } } }`;
    for (const transport of ["sse", "ws"] as const) {
      const literal = await sendOver(server, transport, subscription("100"), {});
      const variables = await sendOver(server, transport, subscription("$n"), { n: 100 });
      expect(variables.data ?? null, transport).toBeNull();
      expect(variables.errors?.[0]?.extensions?.code, transport).toBe("QUERY_TOO_COMPLEX");
      expect(variables.errors, transport).toEqual(literal.errors);
    }
  });

  it("a mutation priced over the limit by its variables is refused and writes nothing", async () => {
    const mutation = (n: string) =>
      `mutation ($input: AddPersonInput!${n === "$n" ? ", $n: Int" : ""}) { result: addPerson(input: $input) {
        __typename ... on Person { statements(first: ${n}) { nodes { speaker { mentions(first: ${n}) { nodes { text } } } } } } } }`;
    const before = await fingerprint(server.database.db);
    for (const transport of TRANSPORTS) {
      for (const [query, n] of [
        [mutation("100"), undefined],
        [mutation("$n"), 100],
      ] as const) {
        const input = { name: `Nobody ${transport} ${n}` };
        const answer = await sendOver(server, transport, query, { input, n }, `Bearer ${TEST_ADMIN_TOKEN}`);
        expect(answer.data ?? null, transport).toBeNull();
        expect(answer.errors?.[0]?.extensions?.code, transport).toBe("QUERY_TOO_COMPLEX");
      }
    }
    expect(await fingerprint(server.database.db)).toBe(before);
  });
});

describe("request bodies", () => {
  const headers = { "content-type": "application/json", accept: "application/graphql-response+json" };
  /** A body sent chunked (no Content-Length), in pieces of 64 KiB. */
  const chunked = (text: string): RequestInit => {
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 65_536) controller.enqueue(bytes.slice(at, at + 65_536));
        controller.close();
      },
    });
    return { method: "POST", headers, body, duplex: "half" } as RequestInit;
  };

  it("a chunked body within the limit runs; one past it gets 413 and the service goes on", async () => {
    const small = await send(server.url, chunked(json({ query: "{ stats { persons } }" })));
    expect(small.status).toBe(200);
    expect(small.payloads[0]?.data).toMatchObject({ stats: { persons: expect.any(Number) } });

    const padding = " ".repeat(LIMITS.bodyBytes);
    const large = await send(server.url, chunked(`{"query":"{ stats { persons } }"${padding}}`));
    expect(large.status).toBe(413);
    expect(large.payloads[0]?.errors?.[0]?.message).toBe("Request body too large");
    expect(large.payloads[0]?.data ?? null).toBeNull();
    await healthy();
  });

  it("a client still uploading past the limit reads its 413, and the rest of its body is dropped", async () => {
    // 8 MiB in 64 KiB chunks, each after the previous one was flushed: the answer comes while the
    // client is still sending (a reset socket would lose it).
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(server.url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } });
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      });
      // Writes after the server closed the connection fail; the answer is what counts.
      req.on("error", () => {});
      const chunk = Buffer.alloc(65_536, " ");
      let sent = 0;
      const next = () => {
        if (req.destroyed || sent >= 8 * 1024 * 1024) return void req.end();
        sent += chunk.length;
        req.write(sent === chunk.length ? Buffer.from('{"query":"{ stats { persons } }"') : chunk, next);
      };
      next();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].message).toBe("Request body too large");
    await healthy();
  });

  it("a GET declaring a body over the limit gets 413 too", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = `${server.url}?query=${encodeURIComponent("{ stats { persons } }")}`;
      const req = httpRequest(url, { method: "GET", headers: { "content-length": String(LIMITS.bodyBytes + 1) } });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(Buffer.alloc(LIMITS.bodyBytes + 1, " "));
    });
    expect(status).toBe(413);
  });

  it("a Content-Length over the limit is refused with 413 before the body is read", async () => {
    const padding = " ".repeat(LIMITS.bodyBytes);
    const answer = await send(server.url, {
      method: "POST",
      headers,
      body: `{"query":"{ stats { persons } }"${padding}}`,
    });
    expect(answer.status).toBe(413);
    expect(answer.payloads[0]?.errors?.[0]?.message).toBe("Request body too large");
    // Exactly at the limit is allowed.
    const query = '{"query":"{ stats { persons } }"';
    const exact = await send(server.url, {
      method: "POST",
      headers,
      body: `${query}${" ".repeat(LIMITS.bodyBytes - query.length - 1)}}`,
    });
    expect(exact.status).toBe(200);
    expect(exact.payloads[0]?.data).toMatchObject({ stats: { persons: expect.any(Number) } });
  });
});
