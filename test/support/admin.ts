// Helpers for tests of the admin writes: the three transports a client can send a mutation over,
// minting keys the way the token CLI does, and a fingerprint of every table a write could touch.
import { sql } from "drizzle-orm";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import type { Db } from "../../src/db/client.js";
import { rowsOf } from "../../src/db/rows.js";
import { createKey, revokeKey } from "../../src/keys.js";
import type { GraphQLResponse, TestServer } from "./server.js";

/** The selection of a mutation's result union: the object written, or the error. */
export const RESULT = `__typename
  ... on Node { id }
  ... on Error { message }
  ... on ValidationError { fields { path message } }
  ... on NotFoundError { path }
  ... on ConflictError { existingId }`;

const addDoc = (field: string, input: string) =>
  `mutation ($input: ${input}!) { result: ${field}(input: $input) { ${RESULT} } }`;

/** Each mutation's document; its result comes back under `result`. */
export const MUTATIONS = {
  addSource: addDoc("addSource", "AddSourceInput"),
  addPerson: addDoc("addPerson", "AddPersonInput"),
  updatePerson: `mutation ($id: ID!, $input: UpdatePersonInput!) { result: updatePerson(id: $id, input: $input) { ${RESULT} } }`,
  addSentence: addDoc("addSentence", "AddSentenceInput"),
  addExchangeEvent: addDoc("addExchangeEvent", "AddExchangeEventInput"),
  addRelease: addDoc("addRelease", "AddReleaseInput"),
  addStatement: addDoc("addStatement", "AddStatementInput"),
};
export type MutationName = keyof typeof MUTATIONS;

export type MutationResult = {
  __typename: string;
  id?: string;
  message?: string;
  fields?: { path: string[]; message: string }[];
  path?: string[];
  existingId?: string | null;
};

export type Transport = "http" | "sse" | "ws";
export const TRANSPORTS: Transport[] = ["http", "sse", "ws"];

/** Sends one operation over a transport with an Authorization value (or none). */
export async function send<T = Record<string, any>>(
  server: TestServer,
  transport: Transport,
  query: string,
  variables: Record<string, unknown>,
  authorization?: string,
): Promise<GraphQLResponse<T>> {
  if (transport === "http") {
    return server.gql<T>(query, variables, authorization === undefined ? {} : { authorization });
  }
  if (transport === "sse") return sse<T>(server.url, query, variables, authorization);
  return overWebSocket<T>(server.wsUrl, query, variables, authorization);
}

async function sse<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  authorization?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.text();
  if (response.status >= 500) throw new Error(`HTTP ${response.status}: ${body}`);
  if (!response.headers.get("content-type")?.includes("text/event-stream")) {
    throw new Error(
      `expected an event stream, got ${response.status} ${response.headers.get("content-type")}: ${body}`,
    );
  }
  const next = body.split("\n\n").find((event) => /^event: next$/m.test(event));
  const data = next?.split("\n").find((line) => line.startsWith("data: "));
  if (!data) throw new Error(`no "next" event in the stream: ${body}`);
  return JSON.parse(data.slice("data: ".length)) as GraphQLResponse<T>;
}

async function overWebSocket<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  authorization?: string,
): Promise<GraphQLResponse<T>> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: authorization === undefined ? {} : { authorization },
  });
  try {
    return await new Promise<GraphQLResponse<T>>((resolve, reject) => {
      let result: GraphQLResponse<T> | undefined;
      client.subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            result = value as GraphQLResponse<T>;
          },
          error: (error) => {
            // An `error` message carries a list of GraphQL errors; surface them as a response.
            if (Array.isArray(error)) resolve({ errors: error as GraphQLResponse<T>["errors"] });
            else reject(error instanceof Error ? error : new Error(`socket closed: ${JSON.stringify(error)}`));
          },
          complete: () => (result ? resolve(result) : reject(new Error("completed without a result"))),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

/** Mints a key through the same code as `npm run token -- create`, returning the token. */
export async function mintKey(db: Db, name: string): Promise<string> {
  return (await createKey(db, name)).token;
}

export { revokeKey };

/**
 * One string that changes whenever any row a write could touch changes: every fact table, the
 * join tables, the feed and the audit log.
 */
export async function fingerprint(db: Db): Promise<string> {
  const tables = [
    "source",
    "person",
    "person_source",
    "sentence",
    "sentence_source",
    "exchange_event",
    "exchange_event_source",
    "release",
    "release_source",
    "statement",
    "statement_subject",
    "statement_source",
    "feed_event",
    "feed_head",
    "audit",
  ];
  const parts = tables.map(
    (name) => sql`(select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '')
      from ${sql.identifier(name)} t)`,
  );
  const result = await db.execute(sql`select concat_ws(',', ${sql.join(parts, sql`, `)}) as print`);
  return rowsOf<{ print: string }>(result)[0]?.print ?? "";
}

/** Row counts of the fact tables, the feed and the audit log. */
export async function counts(db: Db): Promise<Record<string, number>> {
  const result = await db.execute(sql`select
    (select count(*) from source)::int as sources, (select count(*) from person)::int as persons,
    (select count(*) from sentence)::int as sentences, (select count(*) from exchange_event)::int as exchanges,
    (select count(*) from release)::int as releases, (select count(*) from statement)::int as statements,
    (select count(*) from statement_subject)::int as subjects, (select count(*) from feed_event)::int as feed,
    (select count(*) from audit)::int as audit`);
  return rowsOf<Record<string, number>>(result)[0] ?? {};
}

export type References = {
  seleznev: string;
  seleznevSentence: { id: string; sentencedOn: string | null };
  krasikov: string;
  ankara: string;
  source: string;
  sourceUrl: string;
  statement: { text: string; saidOn: string; speakerId: string };
};

/** Global ids of a few objects of the built-in data set, read through the public API. */
export async function references(server: TestServer): Promise<References> {
  const { data, errors } = await server.gql(`{
    seleznev: persons(search: "Roman Seleznev", first: 1) { nodes { id sentences { id sentencedOn } } }
    krasikov: persons(search: "Vadim Krasikov", first: 1) { nodes { id } }
    ankara: exchangeEvent(slug: "2024-08-01-ankara") { id sources { id url } }
    statements(first: 1) { nodes { text saidOn speaker { id } } }
  }`);
  if (errors || !data) throw new Error(JSON.stringify(errors));
  const statement = data.statements.nodes[0];
  return {
    seleznev: data.seleznev.nodes[0].id,
    seleznevSentence: data.seleznev.nodes[0].sentences[0],
    krasikov: data.krasikov.nodes[0].id,
    ankara: data.ankara.id,
    source: data.ankara.sources[0].id,
    sourceUrl: data.ankara.sources[0].url,
    statement: { text: statement.text, saidOn: statement.saidOn, speakerId: statement.speaker.id },
  };
}

/** A global id of the right shape for an object that does not exist. */
export const missingId = (typename: string) => Buffer.from(`${typename}:999999`).toString("base64url");
