// Automatic persisted queries over real HTTP: the protocol by hand over GET and POST (miss,
// register, hit), the store's bound, and Apollo Client's own PersistedQueryLink.
import { createHash } from "node:crypto";
import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APQ_LIMITS } from "../src/http/apq.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });
const ACCEPT = { accept: "application/graphql-response+json" };

type Answer = {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
};

async function viaGet(params: Record<string, unknown>): Promise<Answer> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    search.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  const response = await fetch(`${server.url}?${search}`, { headers: ACCEPT });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

async function viaPost(params: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { ...ACCEPT, "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

describe("the APQ protocol", () => {
  for (const [method, send] of [
    ["GET", viaGet],
    ["POST", viaPost],
  ] as const) {
    it(`over ${method}: an unknown hash is PersistedQueryNotFound, then registered, then a hit`, async () => {
      const query = `query ${method}Stats { stats { persons releases } }`;
      const miss = await send({ extensions: persisted(query) });
      expect(miss.status).toBe(404);
      expect(miss.body.data).toBeUndefined();
      expect(miss.body.errors?.[0]).toMatchObject({
        message: "PersistedQueryNotFound",
        extensions: { code: "PERSISTED_QUERY_NOT_FOUND" },
      });

      const registered = await send({ query, extensions: persisted(query) });
      expect(registered.status).toBe(200);
      expect(registered.body.data).toMatchObject({ stats: { persons: expect.any(Number) } });

      const hit = await send({ extensions: persisted(query) });
      expect(hit.status).toBe(200);
      expect(hit.body).toEqual(registered.body);
    });
  }

  it("refuses a hash that does not match the query, and keeps nothing for it", async () => {
    const query = "{ stats { statements } }";
    const wrong = await viaPost({ query, extensions: persisted("{ stats { exchanges } }") });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_MISMATCH");
    const later = await viaPost({ extensions: persisted("{ stats { exchanges } }") });
    expect(later.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("keeps no document larger than the store's bound", async () => {
    const query = `{ __typename }\n#${"x".repeat(APQ_LIMITS.documentBytes)}`;
    const first = await viaPost({ query, extensions: persisted(query) });
    expect(first.body.data).toEqual({ __typename: "Query" });
    const again = await viaPost({ extensions: persisted(query) });
    expect(again.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("runs a persisted query through the same limits as any other", async () => {
    const query = "{ persons(first: 100) { nodes { name statements(first: 20) { nodes { text saidOn channel } } } } }";
    const registered = await viaPost({ query, extensions: persisted(query) });
    expect(registered.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    const hit = await viaGet({ extensions: persisted(query) });
    expect(hit.body.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });
});

describe("Apollo Client's PersistedQueryLink", () => {
  it("works as configured by default and with useGETForHashedQueries", async () => {
    for (const useGETForHashedQueries of [false, true]) {
      const sent: string[] = [];
      const recordingFetch: typeof fetch = async (input, init) => {
        const method = init?.method ?? "GET";
        const url = String(input);
        const hasQuery =
          method === "GET" ? new URL(url).searchParams.has("query") : String(init?.body).includes('"query"');
        sent.push(`${method} ${hasQuery ? "query" : "hash"}`);
        return fetch(input, init);
      };
      const client = () =>
        new ApolloClient({
          cache: new InMemoryCache(),
          link: new PersistedQueryLink({ sha256, useGETForHashedQueries }).concat(
            new HttpLink({ uri: server.url, fetch: recordingFetch }),
          ),
        });
      const query = gql`
        query Latest${useGETForHashedQueries ? "Get" : "Post"}($first: Int) {
          releases(first: $first) { nodes { id releasedOn person { name } } }
        }
      `;
      const first = await client().query({ query, variables: { first: 3 } });
      const second = await client().query({ query, variables: { first: 3 } });
      expect(first.error).toBeUndefined();
      expect((first.data as { releases: { nodes: unknown[] } }).releases.nodes).toHaveLength(3);
      expect(second.data).toEqual(first.data);
      const hashed = useGETForHashedQueries ? "GET" : "POST";
      // A miss, the full query once, then the hash alone.
      expect(sent).toEqual([`${hashed} hash`, "POST query", `${hashed} hash`]);
    }
  });
});
