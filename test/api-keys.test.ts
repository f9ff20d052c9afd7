// Admin API keys at runtime through the API: createApiKey shows a token once, apiKeys lists
// names and states, revokeApiKey refuses the key from the next request on, over HTTP and on a
// graphql-ws connection that authenticated with it before. Admins only; the audit log names who.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { MUTATIONS } from "./support/admin.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false });
});
afterAll(async () => {
  await server?.close();
});

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const CREATE = `mutation ($name: String!) { createApiKey(name: $name) {
  __typename ... on CreatedApiKey { token key { name active revokedAt } }
  ... on Error { message } ... on ValidationError { fields { path message } } } }`;
const REVOKE = `mutation ($name: String!) { revokeApiKey(name: $name) {
  __typename ... on ApiKey { name active revokedAt } ... on Error { message } ... on NotFoundError { path } } }`;
const addSource = (title: string) => ({ input: { publisher: "Key Wire", title } });

describe("API keys through the API", () => {
  let token: string;

  it("createApiKey returns the token once; the key writes and apiKeys lists it without a token", async () => {
    const created = await server.gql(CREATE, { name: "dashboard-bot" }, ADMIN);
    expect(created.data?.createApiKey).toMatchObject({
      __typename: "CreatedApiKey",
      key: { name: "dashboard-bot", active: true, revokedAt: null },
    });
    token = created.data?.createApiKey.token;
    expect(token).toMatch(/^egk_[A-Za-z0-9_-]{43}$/);

    const wrote = await server.gql(MUTATIONS.addSource, addSource("by the new key"), {
      authorization: `Bearer ${token}`,
    });
    expect(wrote.data?.result.__typename).toBe("Source");

    const listed = await server.gql("{ apiKeys { name active createdAt revokedAt } }", {}, ADMIN);
    expect(listed.data?.apiKeys).toEqual([
      { name: "dashboard-bot", active: true, createdAt: expect.any(String), revokedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(token);

    const audit = await server.gql("{ auditLog(first: 5) { nodes { actor action entity } } }", {}, ADMIN);
    expect(audit.data?.auditLog.nodes).toEqual(
      expect.arrayContaining([
        { actor: "ADMIN_TOKEN", action: "createApiKey", entity: "apiKey" },
        { actor: "dashboard-bot", action: "addSource", entity: "source" },
      ]),
    );
  });

  it("refuses a bad name, a taken one, and anyone but an admin", async () => {
    const bad = await server.gql(CREATE, { name: "no spaces" }, ADMIN);
    expect(bad.data?.createApiKey).toMatchObject({ __typename: "ValidationError", fields: [{ path: ["name"] }] });
    const reserved = await server.gql(CREATE, { name: "ADMIN_TOKEN" }, ADMIN);
    expect(reserved.data?.createApiKey.__typename).toBe("ValidationError");
    const taken = await server.gql(CREATE, { name: "dashboard-bot" }, ADMIN);
    expect(taken.data?.createApiKey).toMatchObject({ __typename: "ConflictError", message: /exists already/ });

    const anonymous = await server.gql(CREATE, { name: "sneaky" });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const list = await server.gql("{ apiKeys { name } }");
    expect(list.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const revoke = await server.gql(REVOKE, { name: "dashboard-bot" }, { authorization: "Bearer not-a-key-at-all" });
    expect(revoke.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("revokeApiKey refuses the key at once, on an open graphql-ws connection too", async () => {
    // A connection that authenticated with the key, and used it, before the revocation.
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    const overSocket = (title: string) =>
      new Promise<Record<string, any>>((resolve, reject) => {
        let result: Record<string, any> | undefined;
        client.subscribe(
          { query: MUTATIONS.addSource, variables: addSource(title) },
          {
            next: (value) => {
              result = value;
            },
            error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
            complete: () => resolve(result ?? {}),
          },
        );
      });
    try {
      expect((await overSocket("over the socket, before")).data?.result.__typename).toBe("Source");

      const revoked = await server.gql(REVOKE, { name: "dashboard-bot" }, ADMIN);
      expect(revoked.data?.revokeApiKey).toMatchObject({ __typename: "ApiKey", active: false });
      expect(revoked.data?.revokeApiKey.revokedAt).toEqual(expect.any(String));

      const onSocket = await overSocket("over the socket, after");
      expect(onSocket.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(onSocket.data?.result ?? null).toBeNull();
    } finally {
      await client.dispose();
    }
    const overHttp = await server.gql(MUTATIONS.addSource, addSource("over HTTP, after"), {
      authorization: `Bearer ${token}`,
    });
    expect(overHttp.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const stats = await server.gql("{ stats { sources } }");
    expect(stats.data?.stats.sources).toBe(2);

    const again = await server.gql(REVOKE, { name: "dashboard-bot" }, ADMIN);
    expect(again.data?.revokeApiKey).toMatchObject({ __typename: "ConflictError", message: /revoked already/ });
    const unknown = await server.gql(REVOKE, { name: "nobody" }, ADMIN);
    expect(unknown.data?.revokeApiKey).toMatchObject({ __typename: "NotFoundError", path: ["name"] });
    const listed = await server.gql("{ apiKeys { name active } }", {}, ADMIN);
    expect(listed.data?.apiKeys).toEqual([{ name: "dashboard-bot", active: false }]);
  });
});
