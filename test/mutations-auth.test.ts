// The auth matrix: every mutation × every transport × every bad credential is refused with
// UNAUTHENTICATED (no token) or FORBIDDEN (anything else), and no row changes. The inputs are
// valid: the last test writes each of them with ADMIN_TOKEN, so only the credential stopped them.
import { randomBytes } from "node:crypto";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  fingerprint,
  MUTATIONS,
  type MutationName,
  type MutationResult,
  mintKey,
  type References,
  references,
  revokeKey,
  send,
  TRANSPORTS,
} from "./support/admin.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

let server: TestServer;
let refs: References;
let revokedToken: string;

beforeAll(async () => {
  server = await startServer();
  refs = await references(server);
  revokedToken = await mintKey(server.database.db, "revoked-key");
  // The key works until it is revoked, so refusing it below is the revocation's doing.
  const before = await send(
    server,
    "http",
    MUTATIONS.addSource,
    { input: { publisher: "Pre-revocation" } },
    `Bearer ${revokedToken}`,
  );
  expect(before.data?.result.__typename).toBe("Source");
  await revokeKey(server.database.db, "revoked-key");
});
afterAll(async () => {
  await server?.close();
});

const inputs: Record<MutationName, () => Record<string, unknown>> = {
  addSource: () => ({ input: { publisher: "Matrix Wire", url: "https://example.org/matrix" } }),
  addPerson: () => ({ input: { name: "Matrix Person" } }),
  updatePerson: () => ({ id: refs.seleznev, input: { description: "changed by the matrix" } }),
  addSentence: () => ({
    input: { personId: refs.krasikov, country: "RU", charge: "matrix", kind: "LIFE", sourceIds: [refs.source] },
  }),
  addExchangeEvent: () => ({
    input: { slug: "2025-10-01-matrix", name: "Matrix exchange", occurredOn: "2025-10-01", sourceIds: [refs.source] },
  }),
  addRelease: () => ({
    input: { personId: refs.seleznev, releasedOn: "2025-11-02", fromCountry: "US", sourceIds: [refs.source] },
  }),
  addStatement: () => ({
    input: { speakerId: refs.seleznev, text: "Said in the matrix.", saidOn: "2025-10-01", sourceIds: [refs.source] },
  }),
};

const credentials: [string, () => string | undefined, string][] = [
  ["no token", () => undefined, "UNAUTHENTICATED"],
  ["a malformed header", () => "Bearer not a token", "FORBIDDEN"],
  ["a revoked key", () => `Bearer ${revokedToken}`, "FORBIDDEN"],
  ["an unknown token", () => `Bearer egk_${randomBytes(32).toString("base64url")}`, "FORBIDDEN"],
];

const matrix = (Object.keys(MUTATIONS) as MutationName[]).flatMap((name) =>
  TRANSPORTS.flatMap((transport) =>
    credentials.map(([label, header, code]) => ({ name, transport, label, header, code })),
  ),
);

describe("every mutation refuses every bad credential on every transport, writing nothing", () => {
  it.each(matrix)("$name over $transport with $label → $code", async ({ name, transport, header, code }) => {
    const before = await fingerprint(server.database.db);
    const response = await send(server, transport, MUTATIONS[name], inputs[name](), header());
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(response.data?.result ?? null).toBeNull();
    expect(await fingerprint(server.database.db)).toBe(before);
  });
});

describe("control", () => {
  it("the same inputs are written with ADMIN_TOKEN, and reads stay public", async () => {
    for (const name of Object.keys(MUTATIONS) as MutationName[]) {
      const before = await fingerprint(server.database.db);
      const response = await send<{ result: MutationResult }>(
        server,
        "http",
        MUTATIONS[name],
        inputs[name](),
        `Bearer ${TEST_ADMIN_TOKEN}`,
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.result.__typename).toMatch(/^(Source|Person|Sentence|ExchangeEvent|Release|Statement)$/);
      expect(await fingerprint(server.database.db)).not.toBe(before);
    }
    for (const transport of TRANSPORTS) {
      const read = await send(server, transport, `{ stats { persons } }`, {}, undefined);
      expect(read.errors).toBeUndefined();
      expect(read.data?.stats.persons).toBe(60);
    }
  });
});

describe("revocation", () => {
  it("takes effect on an open graphql-ws connection at its next operation", async () => {
    const token = await mintKey(server.database.db, "short-lived");
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    const run = (title: string) =>
      new Promise<{ data?: any; errors?: readonly { extensions?: Record<string, unknown> }[] }>((resolve, reject) => {
        let result: any;
        client.subscribe(
          { query: MUTATIONS.addSource, variables: { input: { publisher: "Socket Wire", title } } },
          { next: (value) => (result = value), error: reject, complete: () => resolve(result) },
        );
      });
    try {
      expect((await run("before")).data?.result.__typename).toBe("Source");
      await revokeKey(server.database.db, "short-lived");
      const before = await fingerprint(server.database.db);
      const after = await run("after");
      expect(after.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
      expect(await fingerprint(server.database.db)).toBe(before);
    } finally {
      await client.dispose();
    }
  });
});
