// Every version of a fact is kept and listed in order, with what changed and why; the audit log
// holds the values before and after; a correction that changes nothing records nothing; and a
// fact identical to a retracted one can be added again, as the retracted one no longer stands.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFacts } from "../src/facts/import.js";
import { fingerprint, MUTATIONS } from "./support/admin.js";
import { asAdmin, createWorld, FACT_TYPES, retract, update, type World } from "./support/corrections.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

type Version = {
  version: number;
  recordedAt: string;
  change: string;
  reason: string | null;
  changedFields: string[];
  values: Record<string, unknown>;
};

const HISTORY = `query ($id: ID!, $first: Int, $after: String) { node(id: $id) {
  ${FACT_TYPES.map(
    (type) => `... on ${type} { version history(first: $first, after: $after) {
    edges { cursor node { version recordedAt change reason changedFields values } } } }`,
  ).join("\n")} } }`;

async function history(id: string, page: { first?: number; after?: string } = {}) {
  const { data, errors } = await server.gql(HISTORY, { id, ...page });
  expect(errors).toBeUndefined();
  const edges = data?.node.history.edges as { cursor: string; node: Version }[];
  return { version: data?.node.version as number, edges, versions: edges.map((e) => e.node) };
}

const KEYS: Record<(typeof FACT_TYPES)[number], [keyof World, Record<string, unknown>, string]> = {
  Source: ["spare", { title: "A title" }, "title"],
  Person: ["other", { nationalities: ["DE"] }, "nationalities"],
  Sentence: ["sentence", { court: "Moscow City Court" }, "court"],
  ExchangeEvent: ["exchange", { mediators: ["TR"] }, "mediators"],
  Release: ["release", { confidence: "HIGH" }, "confidence"],
  Statement: ["statement", { language: "ru" }, "language"],
};

describe("history", () => {
  it("lists a release's versions in order: change, reason, changed fields and values", async () => {
    const w = await createWorld(server);
    await update(server, "Release", { id: w.release, input: { note: "first" }, reason: "r1" });
    await update(server, "Release", {
      id: w.release,
      input: { toCountry: "DE", sourceIds: [w.source, w.spare] },
      reason: "r2",
    });
    await retract(server, "Release", { id: w.release, reason: "r3" });
    const { version, versions } = await history(w.release);
    expect(version).toBe(4);
    expect(versions.map((v) => [v.version, v.change, v.reason, v.changedFields])).toEqual([
      [1, "ADDED", null, []],
      [2, "UPDATED", "r1", ["note"]],
      [3, "UPDATED", "r2", ["sourceIds", "toCountry"]],
      [4, "RETRACTED", "r3", []],
    ]);
    expect(versions[0]?.values).toMatchObject({
      personId: w.person,
      exchangeId: w.exchange,
      sentenceId: w.sentence,
      releasedOn: "2020-05-01",
      fromCountry: "RU",
      toCountry: "US",
      note: null,
      sourceIds: [w.source],
    });
    expect(versions[1]?.values).toMatchObject({ note: "first", toCountry: "US" });
    expect(versions[2]?.values).toMatchObject({ note: "first", toCountry: "DE", sourceIds: [w.source, w.spare] });
    const times = versions.map((v) => Date.parse(v.recordedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Paged like any connection.
    const first = await history(w.release, { first: 2 });
    const rest = await history(w.release, { first: 2, after: first.edges.at(-1)?.cursor as string });
    expect([...first.versions, ...rest.versions].map((v) => v.version)).toEqual([1, 2, 3, 4]);
  });

  it.each(FACT_TYPES)("a corrected %s has an ADDED and an UPDATED version", async (type) => {
    const w = await createWorld(server);
    const [key, input, field] = KEYS[type];
    expect(await update(server, type, { id: w[key], input, reason: "filled in" })).toMatchObject({ version: 2 });
    const { versions } = await history(w[key]);
    expect(versions.map((v) => [v.version, v.change, v.changedFields])).toEqual([
      [1, "ADDED", []],
      [2, "UPDATED", [field]],
    ]);
    expect(versions[1]?.values[field]).toEqual(input[field]);
  });

  it("a correction that changes nothing records nothing: no version, no audit row, no feed event", async () => {
    const w = await createWorld(server);
    await update(server, "Release", { id: w.release, input: { note: "same" } });
    const before = await fingerprint(server.database.db);
    const again = await update(server, "Release", {
      id: w.release,
      input: { note: "same", fromCountry: "RU", sourceIds: [w.source] },
      expectedVersion: 2,
    });
    expect(again).toMatchObject({ __typename: "Release", version: 2 });
    expect(await fingerprint(server.database.db)).toBe(before);
    expect((await history(w.release)).versions).toHaveLength(2);
  });
});

describe("the audit log", () => {
  it("records every change of a fact with its reason, and its values before and after", async () => {
    const w = await createWorld(server);
    await update(server, "Release", { id: w.release, input: { toCountry: "DE" }, reason: "misread" });
    await retract(server, "Release", { id: w.release, reason: "never happened" });
    const { auditLog } = await asAdmin(
      server,
      `{ auditLog(entity: "release", first: 3) { nodes { action entityId reason before after } } }`,
    );
    expect(auditLog.nodes).toMatchObject([
      {
        action: "retractRelease",
        entityId: w.release,
        reason: "never happened",
        before: { toCountry: "DE" },
        after: { toCountry: "DE" },
      },
      {
        action: "updateRelease",
        entityId: w.release,
        reason: "misread",
        before: { toCountry: "US", personId: w.person, sourceIds: [w.source] },
        after: { toCountry: "DE", personId: w.person, sourceIds: [w.source] },
      },
      { action: "addRelease", entityId: w.release, reason: null, before: null, after: { toCountry: "US" } },
    ]);
  });
});

describe("a fact identical to a retracted one", () => {
  /** The world's release, sentence and statement as their add mutations take them. */
  const inputs = (w: World) => ({
    Release: {
      personId: w.person,
      exchangeId: w.exchange,
      releasedOn: "2020-05-01",
      fromCountry: "RU",
      toCountry: "US",
      sentenceId: w.sentence,
      sourceIds: [w.source],
    },
    Sentence: {
      personId: w.person,
      country: "RU",
      charge: `charge ${w.tag}`,
      kind: "TERM",
      termMonths: 60,
      sentencedOn: "2019-01-10",
      sourceIds: [w.source],
    },
    Statement: {
      speakerId: w.person,
      text: `Statement ${w.tag}.`,
      saidOn: "2020-05-02",
      subjectIds: [w.other],
      exchangeId: w.exchange,
      sourceIds: [w.source],
    },
  });

  it("can be added again through the API: the retracted one no longer stands, and is kept", async () => {
    const w = await createWorld(server);
    for (const [type, key] of [
      ["Release", "release"],
      ["Statement", "statement"],
      ["Sentence", "sentence"],
    ] as const) {
      expect(await retract(server, type, { id: w[key], reason: "recorded by mistake" })).toMatchObject({ version: 2 });
    }
    const added: Record<string, string> = {};
    for (const type of ["Sentence", "Statement", "Release"] as const) {
      const input = { ...inputs(w)[type], ...(type === "Release" ? { sentenceId: added.Sentence } : {}) };
      const { result } = await asAdmin(server, MUTATIONS[`add${type}`], { input });
      expect(result.__typename, result.message).toBe(type);
      added[type] = result.id;
      // Standing twice is still refused.
      const again = await asAdmin(server, MUTATIONS[`add${type}`], { input });
      expect(again.result).toMatchObject({ __typename: "ConflictError", existingId: result.id });
    }
    const { data } = await server.gql(
      `query ($id: ID!, $old: ID!) { node(id: $id) { ... on Person { releases { id } sentences { id } } }
        old: node(id: $old) { ... on Release { retraction { reason } } } }`,
      { id: w.person, old: w.release },
    );
    expect(data?.node).toEqual({ releases: [{ id: added.Release }], sentences: [{ id: added.Sentence }] });
    expect(data?.old.retraction).toEqual({ reason: "recorded by mistake" });
  });

  it("is a duplicate to an import run again, which must not bring back what was retracted", async () => {
    const w = await createWorld(server);
    await retract(server, "Release", { id: w.release, reason: "never happened" });
    const source = { key: "s", publisher: `Wire ${w.tag}`, url: `https://example.org/c/${w.tag}` };
    const person = { key: "p", name: `Corrected Person ${w.tag}`, sourceKeys: ["s"] };
    const exchange = {
      key: "e",
      slug: `2020-05-01-c-${w.tag}`,
      name: `Exchange ${w.tag}`,
      occurredOn: "2020-05-01",
      parties: ["US", "RU"],
      sourceKeys: ["s"],
    };
    const { personId: _p, exchangeId: _e, sentenceId: _s, sourceIds: _r, ...release } = inputs(w).Release;
    const { personId: _q, sourceIds: _t, ...sentence } = inputs(w).Sentence;
    const summary = await importFacts(
      server.database.db,
      {
        sources: [source],
        persons: [person],
        exchangeEvents: [exchange],
        sentences: [{ key: "x", personKey: "p", sourceKeys: ["s"], ...sentence }],
        releases: [{ key: "r", personKey: "p", exchangeKey: "e", sentenceKey: "x", sourceKeys: ["s"], ...release }],
      },
      "corrections-test",
    );
    expect(summary.releases).toEqual({ added: 0, duplicate: 1, rejected: 0 });
    const standing = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Person { releases { id } } } }`, {
      id: w.person,
    });
    expect(standing.data?.node.releases).toEqual([]);
  });
});
