// Helpers for the tests of corrections, retractions and merges: the documents of the update…,
// retract… and mergePersons mutations, and a small world of facts of every kind added through
// the API as an admin client would.
import { randomBytes } from "node:crypto";
import { MUTATIONS, type MutationResult, RESULT, send, type Transport } from "./admin.js";
import { TEST_ADMIN_TOKEN, type TestServer } from "./server.js";

export const ADMIN = `Bearer ${TEST_ADMIN_TOKEN}`;

export const FACT_TYPES = ["Source", "Person", "Sentence", "ExchangeEvent", "Release", "Statement"] as const;
export type FactType = (typeof FACT_TYPES)[number];

const FACT_FIELDS = "version retraction { at reason sources { id } }";

/** update<Type>: variables id, input, reason, expectedVersion; the result under `result`. */
export function updateDoc(type: FactType): string {
  // updatePerson predates corrections: its reason is optional.
  const reason = type === "Person" ? "String" : "String!";
  return `mutation ($id: ID!, $input: Update${type}Input!, $reason: ${reason}, $expectedVersion: Int) {
    result: update${type}(id: $id, input: $input, reason: $reason, expectedVersion: $expectedVersion) {
      ${RESULT} ... on ${type} { ${FACT_FIELDS} } } }`;
}

/** retract<Type>: variables id, reason, sourceIds, expectedVersion. */
export function retractDoc(type: FactType): string {
  return `mutation ($id: ID!, $reason: String!, $sourceIds: [ID!], $expectedVersion: Int) {
    result: retract${type}(id: $id, reason: $reason, sourceIds: $sourceIds, expectedVersion: $expectedVersion) {
      ${RESULT} ... on ${type} { ${FACT_FIELDS} } } }`;
}

export const MERGE_DOC = `mutation ($keepId: ID!, $mergeId: ID!, $reason: String!) {
  result: mergePersons(keepId: $keepId, mergeId: $mergeId, reason: $reason) {
    ${RESULT.replace("... on Node { id }", "")}
    ... on MergePersonsPayload {
      kept { id name aliases version }
      merged { id mergedInto { id } retraction { reason } }
      moved
      reconciled { duplicate into }
    }
  }
}`;

export type ChangeResult = MutationResult & {
  version?: number;
  retraction?: { at: string; reason: string; sources: { id: string }[] } | null;
  kept?: { id: string; name: string; aliases: string[]; version: number };
  merged?: { id: string; mergedInto: { id: string } | null; retraction: { reason: string } | null };
  moved?: string[];
  reconciled?: { duplicate: string; into: string }[];
};

/** Sends an operation with the admin token; a GraphQL error fails the test. */
export async function asAdmin<T = Record<string, any>>(
  server: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  transport: Transport = "http",
): Promise<T> {
  const response = await send<T>(server, transport, query, variables, ADMIN);
  if (response.errors || !response.data) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

const result = async (server: TestServer, query: string, variables: Record<string, unknown>, transport?: Transport) =>
  (await asAdmin<{ result: ChangeResult }>(server, query, variables, transport)).result;

export const update = (
  server: TestServer,
  type: FactType,
  variables: { id: string; input: Record<string, unknown>; reason?: string | null; expectedVersion?: number },
  transport?: Transport,
) => result(server, updateDoc(type), { reason: "a correction", ...variables }, transport);

export const retract = (
  server: TestServer,
  type: FactType,
  variables: { id: string; reason?: string; sourceIds?: string[]; expectedVersion?: number },
  transport?: Transport,
) => result(server, retractDoc(type), { reason: "a retraction", ...variables }, transport);

export const merge = (server: TestServer, keepId: string, mergeId: string, reason = "the same person") =>
  result(server, MERGE_DOC, { keepId, mergeId, reason });

/** Global ids of a world of facts, one or two of each kind, tied together as facts are. */
export type World = {
  tag: string;
  source: string;
  /** A second source, cited by nothing. */
  spare: string;
  person: string;
  other: string;
  exchange: string;
  sentence: string;
  /** The person's release in the exchange, from RU, cutting the sentence short. */
  release: string;
  /** The person's statement about the other person, in the exchange. */
  statement: string;
};

async function add(server: TestServer, name: keyof typeof MUTATIONS, input: Record<string, unknown>): Promise<string> {
  const { result: written } = await asAdmin<{ result: ChangeResult }>(server, MUTATIONS[name], { input });
  if (!written.id) throw new Error(`${name}: ${JSON.stringify(written)}`);
  return written.id;
}

/** Adds a world through the API. Names are unique per world, so worlds never collide. */
export async function createWorld(server: TestServer, tag = randomBytes(3).toString("hex")): Promise<World> {
  const source = await add(server, "addSource", { publisher: `Wire ${tag}`, url: `https://example.org/c/${tag}` });
  const spare = await add(server, "addSource", { publisher: `Wire ${tag}`, url: `https://example.org/c/${tag}/2` });
  const sourceIds = [source];
  const person = await add(server, "addPerson", { name: `Corrected Person ${tag}`, sourceIds });
  const other = await add(server, "addPerson", { name: `Other Person ${tag}` });
  const exchange = await add(server, "addExchangeEvent", {
    slug: `2020-05-01-c-${tag}`,
    name: `Exchange ${tag}`,
    occurredOn: "2020-05-01",
    parties: ["US", "RU"],
    sourceIds,
  });
  const sentence = await add(server, "addSentence", {
    personId: person,
    country: "RU",
    charge: `charge ${tag}`,
    kind: "TERM",
    termMonths: 60,
    sentencedOn: "2019-01-10",
    sourceIds,
  });
  const release = await add(server, "addRelease", {
    personId: person,
    exchangeId: exchange,
    releasedOn: "2020-05-01",
    fromCountry: "RU",
    toCountry: "US",
    sentenceId: sentence,
    sourceIds,
  });
  const statement = await add(server, "addStatement", {
    speakerId: person,
    text: `Statement ${tag}.`,
    saidOn: "2020-05-02",
    subjectIds: [other],
    exchangeId: exchange,
    sourceIds,
  });
  return { tag, source, spare, person, other, exchange, sentence, release, statement };
}

/** Adds one more fact of a kind through the API, returning its global id. */
export const addFact = add;
