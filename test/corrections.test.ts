// The update… and retract… mutations of every kind of fact: each corrects or retracts over every
// transport, and each wrong call is the typed error a client can act on (the field, the missing
// id, the facts in the way), with nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, missingId, TRANSPORTS } from "./support/admin.js";
import {
  addFact,
  type ChangeResult,
  createWorld,
  FACT_TYPES,
  type FactType,
  retract,
  update,
  type World,
} from "./support/corrections.js";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
/** Standing facts the error cases aim at; nothing may change them. */
let w: World;
/** A world retracted, dependents first. */
let gone: World;
/** A second release and statement of w, for duplicates. */
let twin: { release: string; statement: string };

beforeAll(async () => {
  server = await startServer();
  [w, gone] = [await createWorld(server), await createWorld(server)];
  twin = {
    release: await addFact(server, "addRelease", {
      personId: w.other,
      exchangeId: w.exchange,
      releasedOn: "2020-05-01",
      fromCountry: "RU",
      sourceIds: [w.source],
    }),
    statement: await addFact(server, "addStatement", {
      speakerId: w.person,
      text: `Second statement ${w.tag}.`,
      saidOn: "2020-05-02",
      sourceIds: [w.source],
    }),
  };
  const order: [FactType, keyof World][] = [
    ["Release", "release"],
    ["Statement", "statement"],
    ["Sentence", "sentence"],
    ["ExchangeEvent", "exchange"],
    ["Person", "person"],
    ["Person", "other"],
    ["Source", "source"],
    ["Source", "spare"],
  ];
  for (const [type, key] of order) {
    const retracted = await retract(server, type, { id: gone[key], reason: `wrong ${key}`, sourceIds: [w.spare] });
    expect(retracted, `${type} ${key}`).toMatchObject({ __typename: type, version: 2 });
  }
});
afterAll(async () => {
  await server?.close();
});

describe("corrections", () => {
  const cases: [FactType, keyof World, Record<string, unknown>, string, (node: any) => unknown][] = [
    ["Source", "spare", { title: "Corrected title" }, "title", (n) => n.title],
    ["Person", "other", { aliases: ["Another Spelling"] }, "aliases", (n) => n.aliases],
    ["Sentence", "sentence", { termMonths: 72 }, "termMonths", (n) => n.termMonths],
    ["ExchangeEvent", "exchange", { location: "Ankara airport" }, "location", (n) => n.location],
    ["Release", "release", { toCountry: "DE" }, "toCountry", (n) => n.toCountry],
    ["Statement", "statement", { channel: "Radio" }, "channel", (n) => n.channel],
  ];
  it.each(cases.flatMap((c, i) => [{ c, transport: TRANSPORTS[i % 3] }]))(
    "update$c.0 replaces the fields given, as version 2 ($transport)",
    async ({ c, transport }) => {
      const [type, key, input, field, read] = c;
      const s = await createWorld(server);
      const result = await update(
        server,
        type,
        { id: s[key], input, reason: "misread", expectedVersion: 1 },
        transport,
      );
      expect(result).toMatchObject({ __typename: type, id: s[key], version: 2, retraction: null });
      const { node } = await server
        .gql(`query ($id: ID!) { node(id: $id) { ... on ${type} { ${field} version } } }`, { id: s[key] })
        .then((r) => r.data as { node: any });
      expect(read(node)).toEqual(Object.values(input)[0]);
    },
  );

  it("updatePerson takes no reason (existing clients), and a null clears an optional field", async () => {
    const s = await createWorld(server);
    const set = await update(server, "Person", { id: s.other, input: { description: "A pilot" }, reason: null });
    expect(set).toMatchObject({ __typename: "Person", version: 2 });
    const cleared = await update(server, "Release", { id: s.release, input: { toCountry: null } });
    expect(cleared).toMatchObject({ __typename: "Release", version: 2 });
    const { data } = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Release { toCountry } } }`, {
      id: s.release,
    });
    expect(data?.node.toCountry).toBeNull();
  });
});

describe("retractions", () => {
  it("retract… marks each kind with when, why and on which sources, as version 2", async () => {
    const retraction = FACT_TYPES.map((type) => `... on ${type} { version retraction { at reason sources { id } } }`);
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ${retraction.join(" ")} } }`;
    const keys = ["source", "spare", "person", "other", "exchange", "sentence", "release", "statement"] as const;
    const { data } = await server.gql(query, { ids: keys.map((k) => gone[k]) });
    expect(data?.nodes).toHaveLength(keys.length);
    for (const [i, node] of ((data?.nodes ?? []) as any[]).entries()) {
      expect(node).toMatchObject({
        version: 2,
        retraction: { reason: `wrong ${keys[i]}`, sources: [{ id: w.spare }] },
      });
      expect(Date.parse(node.retraction.at)).toBeGreaterThan(Date.now() - 600_000);
    }
  });

  it.each(TRANSPORTS)("retract… answers over %s", async (transport) => {
    const s = await createWorld(server);
    const result = await retract(server, "Statement", { id: s.statement, expectedVersion: 1 }, transport);
    expect(result).toMatchObject({ __typename: "Statement", version: 2, retraction: { reason: "a retraction" } });
  });
});

const V = "ValidationError" as const;
const N = "NotFoundError" as const;
const C = "ConflictError" as const;

/**
 * What else the error must show: a path (the field a ValidationError or NotFoundError names), a
 * pattern of its message, the ConflictError's existingId, or the ids its message must name.
 */
type Detail = string | RegExp | (() => string) | (() => string[]) | undefined;
type Case = [
  mutation: string,
  label: string,
  error: typeof V | typeof N | typeof C,
  detail: Detail,
  run: () => Promise<ChangeResult>,
];

/** The fact of each kind the common cases aim at. */
const KEYS: Record<FactType, keyof World> = {
  Source: "spare",
  Person: "person",
  Sentence: "sentence",
  ExchangeEvent: "exchange",
  Release: "release",
  Statement: "statement",
};

type Vars = {
  id?: string;
  input?: Record<string, unknown>;
  reason?: string;
  expectedVersion?: number;
  sourceIds?: string[];
};
const u = (type: FactType, vars: () => Vars) => () => update(server, type, { id: w[KEYS[type]], input: {}, ...vars() });
const r =
  (type: FactType, vars: () => Vars = () => ({})) =>
  () =>
    retract(server, type, { id: w[KEYS[type]], ...vars() });
const missingSources = (n: number) =>
  Array.from({ length: n }, (_, i) => Buffer.from(`Source:${900_000 + i}`).toString("base64url"));

/** The errors every update and retraction can meet, whatever the kind. */
function common(type: FactType): Case[] {
  const input = type === "Source" ? { title: "t" } : type === "Person" ? { description: "d" } : { confidence: "LOW" };
  const up = `update${type}`;
  const re = `retract${type}`;
  const otherType = type === "Person" ? "Source" : "Person";
  return [
    [up, "a blank reason", V, "reason", u(type, () => ({ input, reason: " \n" }))],
    [up, "a reason over 2000 characters", V, "reason", u(type, () => ({ input, reason: "r".repeat(2001) }))],
    [up, "a missing id", N, "id", u(type, () => ({ input, id: missingId(type) }))],
    [up, "another type's id", V, "id", u(type, () => ({ input, id: missingId(otherType) }))],
    [up, "a retracted fact", C, /retracted/, u(type, () => ({ input, id: gone[KEYS[type]] }))],
    [up, "a stale expectedVersion", C, /version 1, not 7/, u(type, () => ({ input, expectedVersion: 7 }))],
    [re, "a blank reason", V, "reason", r(type, () => ({ reason: "" }))],
    [re, "a missing id", N, "id", r(type, () => ({ id: missingId(type) }))],
    [re, "retracting twice", C, /already retracted/, r(type, () => ({ id: gone[KEYS[type]] }))],
    [re, "a stale expectedVersion", C, /version 1, not 3/, r(type, () => ({ expectedVersion: 3 }))],
  ];
}

const specific: Case[] = [
  ["updateSource", "an ftp URL", V, "url", u("Source", () => ({ input: { url: "ftp://example.org/x" } }))],
  ["updateSource", "clearing the publisher", V, "publisher", u("Source", () => ({ input: { publisher: null } }))],
  [
    "updateSource",
    "another source's URL",
    C,
    () => w.source,
    u("Source", () => ({ input: { url: `https://example.org/c/${w.tag}` } })),
  ],
  [
    "retractSource",
    "a source cited by standing facts",
    C,
    () => [
      `Person ${w.person}`,
      `Sentence ${w.sentence}`,
      `ExchangeEvent ${w.exchange}`,
      `Release ${w.release}`,
      `Statement ${w.statement}`,
    ],
    r("Source", () => ({ id: w.source })),
  ],
  [
    "retractSource",
    "a missing source as evidence",
    N,
    "sourceIds",
    r("Source", () => ({ sourceIds: missingSources(1) })),
  ],
  [
    "retractSource",
    "a retracted source as evidence",
    N,
    "sourceIds",
    r("Source", () => ({ sourceIds: [gone.source] })),
  ],
  ["retractSource", "51 sources as evidence", V, "sourceIds", r("Source", () => ({ sourceIds: missingSources(51) }))],
  ["updatePerson", "a slug with spaces", V, "slug", u("Person", () => ({ input: { slug: "Not A Slug" } }))],
  ["updatePerson", "clearing the name", V, "name", u("Person", () => ({ input: { name: null } }))],
  [
    "updatePerson",
    "an unassigned country",
    V,
    "nationalities.0",
    u("Person", () => ({ input: { nationalities: ["XX"] } })),
  ],
  [
    "updatePerson",
    "born after the sentence and release",
    V,
    "birthDate",
    u("Person", () => ({ input: { birthDate: "2019-06-01" } })),
  ],
  [
    "updatePerson",
    "another person's slug",
    C,
    () => w.other,
    u("Person", () => ({ input: { slug: `other-person-${w.tag}` } })),
  ],
  [
    "updatePerson",
    "a missing source",
    N,
    "sourceIds",
    u("Person", () => ({ input: { sourceIds: missingSources(1) } })),
  ],
  [
    "retractPerson",
    "a person with standing facts",
    C,
    () => [`Sentence ${w.sentence}`, `Release ${w.release}`, `Statement ${w.statement}`],
    r("Person"),
  ],
  [
    "retractPerson",
    "a person a standing statement is about",
    C,
    () => [`Statement ${w.statement}`],
    r("Person", () => ({ id: w.other })),
  ],
  ["updateSentence", "a country name", V, "country", u("Sentence", () => ({ input: { country: "Russia" } }))],
  ["updateSentence", "clearing the charge", V, "charge", u("Sentence", () => ({ input: { charge: null } }))],
  [
    "updateSentence",
    "a TERM without months",
    V,
    /required when kind is TERM/,
    u("Sentence", () => ({ input: { termMonths: null } })),
  ],
  [
    "updateSentence",
    "LIFE with months",
    V,
    /must be null when kind is LIFE/,
    u("Sentence", () => ({ input: { kind: "LIFE" } })),
  ],
  [
    "updateSentence",
    "sentenced after its release",
    V,
    "sentencedOn",
    u("Sentence", () => ({ input: { sentencedOn: "2020-06-01" } })),
  ],
  [
    "updateSentence",
    "moved off its release's person",
    V,
    /another person/,
    u("Sentence", () => ({ input: { personId: w.other } })),
  ],
  ["updateSentence", "citing no source", V, /at least one source/, u("Sentence", () => ({ input: { sourceIds: [] } }))],
  [
    "updateSentence",
    "clearing its sources",
    V,
    /at least one source/,
    u("Sentence", () => ({ input: { sourceIds: null } })),
  ],
  [
    "updateSentence",
    "a missing person",
    N,
    "personId",
    u("Sentence", () => ({ input: { personId: missingId("Person") } })),
  ],
  ["updateSentence", "a retracted person", N, /retracted/, u("Sentence", () => ({ input: { personId: gone.person } }))],
  ["retractSentence", "a sentence a standing release cuts short", C, () => [`Release ${w.release}`], r("Sentence")],
  [
    "updateExchangeEvent",
    "month 13",
    V,
    "occurredOn",
    u("ExchangeEvent", () => ({ input: { occurredOn: "2020-13-01" } })),
  ],
  ["updateExchangeEvent", "clearing the name", V, "name", u("ExchangeEvent", () => ({ input: { name: null } }))],
  [
    "updateExchangeEvent",
    "moved after its releases",
    V,
    "occurredOn",
    u("ExchangeEvent", () => ({ input: { occurredOn: "2020-06-01" } })),
  ],
  [
    "updateExchangeEvent",
    "parties without a releasing country",
    V,
    /must include RU/,
    u("ExchangeEvent", () => ({ input: { parties: ["US", "DE"] } })),
  ],
  ["updateExchangeEvent", "citing no source", V, "sourceIds", u("ExchangeEvent", () => ({ input: { sourceIds: [] } }))],
  [
    "updateExchangeEvent",
    "another exchange's slug",
    C,
    () => gone.exchange,
    u("ExchangeEvent", () => ({ input: { slug: `2020-05-01-c-${gone.tag}` } })),
  ],
  [
    "retractExchangeEvent",
    "an exchange with standing releases and statements",
    C,
    () => [`Release ${w.release}`, `Release ${twin.release}`, `Statement ${w.statement}`],
    r("ExchangeEvent"),
  ],
  ["updateRelease", "a lower-case country", V, "fromCountry", u("Release", () => ({ input: { fromCountry: "ru" } }))],
  ["updateRelease", "clearing the day", V, /cannot be cleared/, u("Release", () => ({ input: { releasedOn: null } }))],
  [
    "updateRelease",
    "moved before its sentence",
    V,
    /before the sentence/,
    u("Release", () => ({ input: { releasedOn: "2019-01-01" } })),
  ],
  [
    "updateRelease",
    "from a country not a party",
    V,
    /exchange's parties/,
    u("Release", () => ({ input: { fromCountry: "DE" } })),
  ],
  ["updateRelease", "to the country it left", V, "toCountry", u("Release", () => ({ input: { toCountry: "RU" } }))],
  [
    "updateRelease",
    "moved to a person the sentence is not of",
    V,
    "sentenceId",
    u("Release", () => ({ input: { personId: w.other } })),
  ],
  [
    "updateRelease",
    "moved onto a release recorded already",
    C,
    () => twin.release,
    u("Release", () => ({ input: { personId: w.other, sentenceId: null } })),
  ],
  ["updateRelease", "citing no source", V, "sourceIds", u("Release", () => ({ input: { sourceIds: [] } }))],
  [
    "updateRelease",
    "a missing exchange",
    N,
    "exchangeId",
    u("Release", () => ({ input: { exchangeId: missingId("ExchangeEvent") } })),
  ],
  [
    "updateRelease",
    "a retracted sentence",
    N,
    /retracted/,
    u("Release", () => ({ input: { sentenceId: gone.sentence } })),
  ],
  [
    "retractRelease",
    "a missing source as evidence",
    N,
    "sourceIds",
    r("Release", () => ({ sourceIds: missingSources(1) })),
  ],
  ["updateStatement", "a bad language tag", V, "language", u("Statement", () => ({ input: { language: "English!" } }))],
  ["updateStatement", "clearing the text", V, /cannot be cleared/, u("Statement", () => ({ input: { text: null } }))],
  ["updateStatement", "February 30", V, "saidOn", u("Statement", () => ({ input: { saidOn: "2020-02-30" } }))],
  ["updateStatement", "citing no source", V, "sourceIds", u("Statement", () => ({ input: { sourceIds: [] } }))],
  [
    "updateStatement",
    "a missing subject",
    N,
    "subjectIds.1",
    u("Statement", () => ({ input: { subjectIds: [w.other, missingId("Person")] } })),
  ],
  [
    "updateStatement",
    "a retracted speaker",
    N,
    /retracted/,
    u("Statement", () => ({ input: { speakerId: gone.person } })),
  ],
  [
    "updateStatement",
    "the text of another statement that day",
    C,
    () => twin.statement,
    u("Statement", () => ({ input: { text: `Second statement ${w.tag}.` } })),
  ],
  [
    "retractStatement",
    "a missing source as evidence",
    N,
    "sourceIds",
    r("Statement", () => ({ sourceIds: missingSources(1) })),
  ],
];

const cases = [...FACT_TYPES.flatMap(common), ...specific];

describe("every wrong correction or retraction is a typed error, and nothing is written", () => {
  it.each(cases)("%s: %s → %s", async (_mutation, _label, error, detail, run) => {
    const before = await fingerprint(server.database.db);
    const result = await run();
    expect(result.__typename, result.message).toBe(error);
    if (typeof detail === "string" && error === V)
      expect(result.fields?.map((f) => f.path.join("."))).toContain(detail);
    if (typeof detail === "string" && error === N) expect(result.path?.join(".")).toBe(detail);
    if (detail instanceof RegExp) expect(result.message).toMatch(detail);
    if (typeof detail === "function") {
      const expected = detail();
      if (typeof expected === "string") expect(result.existingId).toBe(expected);
      else for (const named of expected) expect(result.message).toContain(named);
    }
    expect(await fingerprint(server.database.db)).toBe(before);
  });

  it("covers each of the twelve mutations with every error type", () => {
    const seen = new Map<string, Set<string>>();
    for (const [mutation, , error] of cases) seen.set(mutation, (seen.get(mutation) ?? new Set()).add(error));
    expect(seen.size).toBe(12);
    for (const [mutation, errors] of seen) expect([mutation, [...errors].sort()]).toEqual([mutation, [C, N, V]]);
  });
});
