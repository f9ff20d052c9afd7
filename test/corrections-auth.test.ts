// Corrections, retractions and merges are admin-only on every transport, and concurrent changes
// of one fact never lose one: with expectedVersion one wins and the others are told; without it
// each change either lands (and is in the history) or is a ConflictError.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, mintKey, revokeKey, send, TRANSPORTS } from "./support/admin.js";
import {
  ADMIN,
  addFact,
  type ChangeResult,
  createWorld,
  type FactType,
  MERGE_DOC,
  retractDoc,
  updateDoc,
  type World,
} from "./support/corrections.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let w: World;
let duplicate: string;
let revokedToken: string;

beforeAll(async () => {
  server = await startServer();
  w = await createWorld(server);
  duplicate = await addFact(server, "addPerson", { name: `Duplicate Person ${w.tag}` });
  revokedToken = await mintKey(server.database.db, "revoked-corrector");
  await revokeKey(server.database.db, "revoked-corrector");
});
afterAll(async () => {
  await server?.close();
});

const updates: [FactType, keyof World, Record<string, unknown>][] = [
  ["Source", "spare", { title: "Matrix title" }],
  ["Person", "other", { description: "Matrix description" }],
  ["Sentence", "sentence", { termMonths: 72 }],
  ["ExchangeEvent", "exchange", { location: "Matrix airport" }],
  ["Release", "release", { note: "Matrix note" }],
  ["Statement", "statement", { channel: "Matrix radio" }],
];
/** In an order the control can write them: what rests on a fact goes first. */
const retractions: [FactType, keyof World][] = [
  ["Release", "release"],
  ["Statement", "statement"],
  ["Sentence", "sentence"],
  ["ExchangeEvent", "exchange"],
  ["Person", "person"],
  ["Source", "spare"],
];

/** The thirteen mutations with valid variables: the control writes each of them. */
const operations: { name: string; query: string; variables: () => Record<string, unknown> }[] = [
  ...updates.map(([type, key, input]) => ({
    name: `update${type}`,
    query: updateDoc(type),
    variables: () => ({ id: w[key], input, reason: "matrix" }),
  })),
  {
    name: "mergePersons",
    query: MERGE_DOC,
    variables: () => ({ keepId: w.other, mergeId: duplicate, reason: "same" }),
  },
  ...retractions.map(([type, key]) => ({
    name: `retract${type}`,
    query: retractDoc(type),
    variables: () => ({ id: w[key], reason: "matrix" }),
  })),
];

const credentials: [string, () => string | undefined, string][] = [
  ["no token", () => undefined, "UNAUTHENTICATED"],
  ["a bad token", () => `Bearer egk_${randomBytes(32).toString("base64url")}`, "FORBIDDEN"],
  ["a revoked key", () => `Bearer ${revokedToken}`, "FORBIDDEN"],
];

const matrix = operations.flatMap((operation) =>
  TRANSPORTS.flatMap((transport) =>
    credentials.map(([label, header, code]) => ({ operation, transport, label, header, code })),
  ),
);

describe("every correction, retraction and merge refuses every bad credential on every transport", () => {
  it.each(matrix)(
    "$operation.name over $transport with $label → $code",
    async ({ operation, transport, header, code }) => {
      const before = await fingerprint(server.database.db);
      const response = await send(server, transport, operation.query, operation.variables(), header());
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      expect(response.data?.result ?? null).toBeNull();
      expect(await fingerprint(server.database.db)).toBe(before);
    },
  );

  it("control: the same operations are written with the admin token", async () => {
    for (const operation of operations) {
      const before = await fingerprint(server.database.db);
      const response = await send<{ result: ChangeResult }>(
        server,
        "http",
        operation.query,
        operation.variables(),
        ADMIN,
      );
      expect(response.errors, operation.name).toBeUndefined();
      expect(response.data?.result.__typename, operation.name).toMatch(
        /^(Source|Person|Sentence|ExchangeEvent|Release|Statement|MergePersonsPayload)$/,
      );
      expect(await fingerprint(server.database.db)).not.toBe(before);
    }
  });
});

const NOTE = `query ($id: ID!) { node(id: $id) { ... on Release { note version
  history { edges { node { version change values } } } } } }`;

type Release = {
  note: string | null;
  version: number;
  history: { edges: { node: { version: number; change: string; values: { note: string | null } } }[] };
};

const readRelease = async (id: string) => (await server.gql<{ node: Release }>(NOTE, { id })).data?.node as Release;

/** Eight admins change one release at once, over the three transports. */
function race(variables: (i: number) => Record<string, unknown>, doc = updateDoc("Release")) {
  return Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const response = await send<{ result: ChangeResult }>(
        server,
        TRANSPORTS[i % 3] ?? "http",
        doc,
        variables(i),
        ADMIN,
      );
      expect(response.errors).toBeUndefined();
      return response.data?.result as ChangeResult;
    }),
  );
}

describe("eight admins change one fact at once", () => {
  it("with the same expectedVersion: exactly one wins, seven get a ConflictError, one version is added", async () => {
    const s = await createWorld(server);
    const results = await race((i) => ({
      id: s.release,
      input: { note: `note ${i}` },
      reason: "race",
      expectedVersion: 1,
    }));
    const won = results.filter((r) => r.__typename === "Release");
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.__typename === "ConflictError")).toHaveLength(7);
    const winner = `note ${results.indexOf(won[0] as ChangeResult)}`;
    const release = await readRelease(s.release);
    expect(release).toMatchObject({ note: winner, version: 2 });
    expect(release.history.edges.map((e) => [e.node.version, e.node.change, e.node.values.note])).toEqual([
      [1, "ADDED", null],
      [2, "UPDATED", winner],
    ]);
  });

  it("without expectedVersion: each lands or is a ConflictError, and every one that landed is in the history", async () => {
    const s = await createWorld(server);
    const results = await race((i) => ({ id: s.release, input: { note: `note ${i}` }, reason: "race" }));
    for (const r of results) expect(r.__typename).toMatch(/^(Release|ConflictError)$/);
    const landed = results.flatMap((r, i) => (r.__typename === "Release" ? [`note ${i}`] : []));
    expect(landed.length).toBeGreaterThan(0);
    const release = await readRelease(s.release);
    const versions = release.history.edges.map((e) => e.node);
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: landed.length + 1 }, (_, i) => i + 1));
    expect(
      versions
        .slice(1)
        .map((v) => v.values.note)
        .sort(),
    ).toEqual(landed.sort());
    expect(release.version).toBe(landed.length + 1);
    expect(release.note).toBe(versions.at(-1)?.values.note);
  });

  it("retracting: exactly one retraction, seven ConflictErrors", async () => {
    const s = await createWorld(server);
    const results = await race(() => ({ id: s.release, reason: "race" }), retractDoc("Release"));
    expect(results.filter((r) => r.__typename === "Release")).toHaveLength(1);
    expect(results.filter((r) => r.__typename === "ConflictError")).toHaveLength(7);
    const release = await readRelease(s.release);
    expect(release.history.edges.map((e) => e.node.change)).toEqual(["ADDED", "RETRACTED"]);
  });
});
