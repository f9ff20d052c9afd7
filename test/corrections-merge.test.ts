// What a retraction and a merge do to what readers see: a retracted fact leaves every list,
// filter, search, count and related list but still answers node(id:); a merged person's facts
// move to the kept one, duplicates reconciled without losing a source, and its names find the
// kept person. Also mergePersons' errors, with nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, missingId } from "./support/admin.js";
import { ADMIN, addFact, createWorld, merge, retract, type World } from "./support/corrections.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const VIEW = `query ($person: ID!, $other: ID!, $exchange: ID!, $sentence: ID!, $name: String!, $text: String!) {
  stats { persons releases statements exchanges sentences sources releasesByFromCountry { country count } }
  releases(first: 50) { totalCount nodes { id } }
  inExchange: releases(exchangeId: $exchange, first: 10) { totalCount nodes { id } }
  fromRU: releases(fromCountry: "RU", first: 50) { totalCount nodes { id } }
  statements(first: 50) { totalCount nodes { id } }
  found: statements(search: $text, first: 10) { totalCount nodes { id } }
  bySpeaker: statements(speakerId: $person, first: 10) { totalCount nodes { id } }
  sentences(personId: $person, first: 10) { totalCount nodes { id } }
  exchangeEvents(first: 50) { totalCount nodes { id } }
  persons(search: $name, first: 10) { totalCount nodes { id } }
  person: node(id: $person) { ... on Person { releases { id } sentences { id } statements { totalCount } } }
  other: node(id: $other) { ... on Person { mentions { totalCount nodes { id } } } }
  exchange: node(id: $exchange) { ... on ExchangeEvent { releases { id } releaseCount statements { id } } }
  sentence: node(id: $sentence) { ... on Sentence { releases { id } } }
}`;

async function view(w: World, name = `Other Person ${w.tag}`) {
  const { data, errors } = await server.gql(VIEW, {
    person: w.person,
    other: w.other,
    exchange: w.exchange,
    sentence: w.sentence,
    name,
    text: w.tag,
  });
  expect(errors).toBeUndefined();
  return data as any;
}
const ids = (list: { nodes: { id: string }[] } | { id: string }[]) =>
  ("nodes" in list ? list.nodes : list).map((n) => n.id);
const ru = (v: any) => v.stats.releasesByFromCountry.find((c: any) => c.country === "RU")?.count ?? 0;

describe("a retracted fact leaves every list, filter, search, count and related list", () => {
  it("release, statement, sentence, exchange, person and source, one after another", async () => {
    const w = await createWorld(server);
    const v0 = await view(w);
    expect(ids(v0.inExchange)).toContain(w.release);
    expect(ids(v0.found)).toEqual([w.statement]);
    expect(ids(v0.persons)).toContain(w.other);

    await retract(server, "Release", { id: w.release, reason: "wrong day", sourceIds: [w.spare] });
    const v1 = await view(w);
    expect(v1.stats.releases).toBe(v0.stats.releases - 1);
    expect(ru(v1)).toBe(ru(v0) - 1);
    expect(v1.releases.totalCount).toBe(v0.releases.totalCount - 1);
    expect(ids(v1.releases)).not.toContain(w.release);
    expect([v1.inExchange.totalCount, ids(v1.inExchange)]).toEqual([0, []]);
    expect(v1.fromRU.totalCount).toBe(v0.fromRU.totalCount - 1);
    expect(v1.person.releases).toEqual([]);
    expect(v1.exchange).toMatchObject({ releases: [], releaseCount: 0 });
    expect(v1.sentence.releases).toEqual([]);

    await retract(server, "Statement", { id: w.statement });
    const v2 = await view(w);
    expect(v2.stats.statements).toBe(v0.stats.statements - 1);
    expect(v2.statements.totalCount).toBe(v0.statements.totalCount - 1);
    expect(ids(v2.statements)).not.toContain(w.statement);
    expect(v2.found.totalCount).toBe(0);
    expect(v2.bySpeaker.totalCount).toBe(0);
    expect(v2.person.statements.totalCount).toBe(0);
    expect(v2.other.mentions.totalCount).toBe(0);
    expect(v2.exchange.statements).toEqual([]);

    await retract(server, "Sentence", { id: w.sentence });
    await retract(server, "ExchangeEvent", { id: w.exchange });
    await retract(server, "Person", { id: w.other });
    await retract(server, "Source", { id: w.spare });
    const v3 = await view(w);
    expect(v3.stats).toMatchObject({
      sentences: v0.stats.sentences - 1,
      exchanges: v0.stats.exchanges - 1,
      persons: v0.stats.persons - 1,
      sources: v0.stats.sources - 1,
    });
    expect(v3.sentences.totalCount).toBe(0);
    expect(v3.person.sentences).toEqual([]);
    expect(v3.exchangeEvents.totalCount).toBe(v0.exchangeEvents.totalCount - 1);
    expect(ids(v3.exchangeEvents)).not.toContain(w.exchange);
    expect(ids(v3.persons)).not.toContain(w.other);
    expect(v3.persons.totalCount).toBe(v0.persons.totalCount - 1);

    // Still addressable, with its retraction.
    const { data } = await server.gql(
      `query ($id: ID!) { node(id: $id) { id ... on Release { releasedOn retraction { at reason sources { id } } } } }`,
      { id: w.release },
    );
    expect(data?.node).toMatchObject({
      id: w.release,
      releasedOn: "2020-05-01",
      retraction: { reason: "wrong day", sources: [{ id: w.spare }] },
    });

    // includeRetracted: admins see them, anyone else is refused.
    const lists = `query ($person: ID!, $name: String!) {
      releases(includeRetracted: true, first: 50) { nodes { id } }
      statements(includeRetracted: true, first: 50) { nodes { id } }
      sentences(includeRetracted: true, personId: $person) { nodes { id } }
      exchangeEvents(includeRetracted: true, first: 50) { nodes { id } }
      persons(includeRetracted: true, search: $name) { nodes { id } }
    }`;
    const variables = { person: w.person, name: `Other Person ${w.tag}` };
    const admin = await server.gql(lists, variables, { authorization: ADMIN });
    expect(admin.errors).toBeUndefined();
    expect(ids(admin.data?.releases)).toContain(w.release);
    expect(ids(admin.data?.statements)).toContain(w.statement);
    expect(ids(admin.data?.sentences)).toEqual([w.sentence]);
    expect(ids(admin.data?.exchangeEvents)).toContain(w.exchange);
    expect(ids(admin.data?.persons)).toContain(w.other);
    for (const line of lists.split("\n").slice(1, -1)) {
      const defs = [line.includes("$person") && "$person: ID!", line.includes("$name") && "$name: String!"];
      const used = defs.filter(Boolean).join(", ");
      const anonymous = await server.gql(`query ${used ? `(${used})` : ""} { ${line} }`, variables);
      expect(
        anonymous.errors?.map((e) => e.extensions?.code),
        line,
      ).toEqual(["FORBIDDEN"]);
    }
  });
});

describe("mergePersons", () => {
  it("moves every fact to the kept person, reconciles duplicates with their sources, and keeps the names", async () => {
    const w = await createWorld(server);
    const name = `Merged Person ${w.tag}`;
    const twin = await addFact(server, "addPerson", { name, aliases: [`Mergd ${w.tag}`], sourceIds: [w.spare] });
    const sourceIds = [w.source];
    // The same release as the kept person's (same exchange), from another source: a duplicate.
    const release = await addFact(server, "addRelease", {
      personId: twin,
      exchangeId: w.exchange,
      releasedOn: "2020-05-01",
      fromCountry: "RU",
      sourceIds: [w.spare],
    });
    const sentence = await addFact(server, "addSentence", {
      personId: twin,
      country: "RU",
      charge: `another charge ${w.tag}`,
      kind: "LIFE",
      sourceIds,
    });
    const said = await addFact(server, "addStatement", {
      speakerId: twin,
      text: `Twin says ${w.tag}.`,
      saidOn: "2020-05-03",
      sourceIds,
    });
    const about = await addFact(server, "addStatement", {
      speakerId: w.other,
      text: `About the twin ${w.tag}.`,
      saidOn: "2020-05-03",
      subjectIds: [twin],
      sourceIds,
    });
    const stats = async () => (await server.gql(`{ stats { persons releases statements sentences } }`)).data?.stats;
    const before = await stats();

    const result = await merge(server, w.person, twin, "typed in twice");
    expect(result).toMatchObject({
      __typename: "MergePersonsPayload",
      kept: { id: w.person, name: `Corrected Person ${w.tag}` },
      merged: {
        id: twin,
        mergedInto: { id: w.person },
        retraction: { reason: expect.stringContaining("typed in twice") },
      },
      reconciled: [{ duplicate: release, into: w.release }],
    });
    expect(result.kept?.aliases).toEqual(expect.arrayContaining([name, `Mergd ${w.tag}`]));
    expect(result.moved).toEqual(expect.arrayContaining([sentence, said, about]));
    expect(result.moved).not.toContain(release);

    const { data } = await server.gql(
      `query ($keep: ID!, $twin: ID!, $release: ID!, $kept: ID!, $about: ID!) {
        keep: node(id: $keep) { ... on Person { releases { id } sentences { id } sources { id }
          statements { nodes { id } } } }
        twin: node(id: $twin) { ... on Person { mergedInto { id } retraction { reason }
          history { edges { node { change changedFields values } } } } }
        duplicate: node(id: $release) { ... on Release { retraction { reason } } }
        kept: node(id: $kept) { ... on Release { sources { id } version } }
        about: node(id: $about) { ... on Statement { subjects { id } } }
        byName: persons(search: ${JSON.stringify(name)}, first: 5) { nodes { id } }
        byAlias: persons(search: ${JSON.stringify(`Mergd ${w.tag}`)}, first: 5) { nodes { id } }
      }`,
      { keep: w.person, twin, release, kept: w.release, about },
    );
    expect(ids(data?.keep.releases)).toEqual([w.release]);
    expect(ids(data?.keep.sentences).sort()).toEqual([w.sentence, sentence].sort());
    expect(ids(data?.keep.sources).sort()).toEqual([w.source, w.spare].sort());
    expect(ids(data?.keep.statements).sort()).toEqual([w.statement, said].sort());
    expect(data?.twin.mergedInto).toEqual({ id: w.person });
    // The merge's version names the API field, Person.mergedInto, with the kept person's global id.
    const merged = data?.twin.history.edges.at(-1).node;
    expect(merged).toMatchObject({ change: "MERGED", changedFields: ["mergedInto"], values: { mergedInto: w.person } });
    expect(merged.values).not.toHaveProperty("mergedIntoId");
    expect(data?.duplicate.retraction).not.toBeNull();
    expect(ids(data?.kept.sources).sort()).toEqual([w.source, w.spare].sort());
    expect(data?.about.subjects).toEqual([{ id: w.person }]);
    // The old names find the kept person, and only it.
    expect(ids(data?.byName)[0]).toBe(w.person);
    expect(ids(data?.byName)).not.toContain(twin);
    expect(ids(data?.byAlias)[0]).toBe(w.person);
    expect(await stats()).toEqual({ ...before, persons: before.persons - 1, releases: before.releases - 1 });
  });
});

describe("mergePersons refuses", () => {
  /** A standing world, and one whose other person is retracted and whose person was merged away. */
  let w: World;
  let gone: World;
  beforeAll(async () => {
    [w, gone] = [await createWorld(server), await createWorld(server)];
    await retract(server, "Statement", { id: gone.statement });
    await retract(server, "Person", { id: gone.other });
    const keep = await addFact(server, "addPerson", { name: `Keeper ${gone.tag}` });
    expect((await merge(server, keep, gone.person)).__typename).toBe("MergePersonsPayload");
  });

  const errors: [
    string,
    "ValidationError" | "NotFoundError" | "ConflictError",
    string | RegExp,
    (w: World, gone: World) => [string, string, string?],
  ][] = [
    ["a person merged into itself", "ValidationError", "mergeId", (w) => [w.person, w.person]],
    ["a blank reason", "ValidationError", "reason", (w) => [w.person, w.other, "  "]],
    ["a reason over 2000 characters", "ValidationError", "reason", (w) => [w.person, w.other, "r".repeat(2001)]],
    ["a source's id", "ValidationError", "keepId", (w) => [w.source, w.other]],
    ["a missing person to keep", "NotFoundError", "keepId", (w) => [missingId("Person"), w.other]],
    ["a missing person to merge", "NotFoundError", "mergeId", (w) => [w.person, missingId("Person")]],
    ["a retracted person", "ConflictError", /retracted/, (w, gone) => [w.person, gone.other]],
    ["a person already merged", "ConflictError", /already merged/, (w, gone) => [w.person, gone.person]],
  ];
  it.each(errors)("refuses %s with a %s, writing nothing", async (_label, error, detail, args) => {
    const [keepId, mergeId, reason] = args(w, gone);
    const before = await fingerprint(server.database.db);
    const result = await merge(server, keepId, mergeId, reason);
    expect(result.__typename, result.message).toBe(error);
    if (typeof detail !== "string") expect(result.message).toMatch(detail);
    else if (error === "NotFoundError") expect(result.path).toEqual([detail]);
    else expect(result.fields?.map((f) => f.path.join("."))).toContain(detail);
    expect(await fingerprint(server.database.db)).toBe(before);
  });
});
