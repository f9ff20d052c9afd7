// With a valid key (minted through the token code) or ADMIN_TOKEN, over every transport, each
// mutation writes its fact, the public read API returns it at once, and the audit log names the
// key. Duplicates are ConflictErrors that write nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fingerprint,
  MUTATIONS,
  type MutationName,
  type MutationResult,
  mintKey,
  type References,
  references,
  send,
  TRANSPORTS,
  type Transport,
} from "./support/admin.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

let server: TestServer;
let refs: References;
let mintedToken: string;
beforeAll(async () => {
  server = await startServer();
  refs = await references(server);
  mintedToken = await mintKey(server.database.db, "editor-1");
});
afterAll(async () => {
  await server?.close();
});

async function mutate(
  transport: Transport,
  token: string,
  name: MutationName,
  variables: Record<string, unknown>,
): Promise<MutationResult> {
  const response = await send<{ result: MutationResult }>(
    server,
    transport,
    MUTATIONS[name],
    variables,
    `Bearer ${token}`,
  );
  expect(response.errors).toBeUndefined();
  return response.data?.result as MutationResult;
}

const credentials = [
  ["a minted key", "editor-1"],
  ["ADMIN_TOKEN", "ADMIN_TOKEN"],
] as const;

describe.each(TRANSPORTS)("over %s", (transport) => {
  it.each(credentials)(
    "with %s, each mutation adds its fact and the read API returns it at once",
    async (_label, actor) => {
      const token = actor === "ADMIN_TOKEN" ? TEST_ADMIN_TOKEN : mintedToken;
      const tag = `${transport}-${actor.toLowerCase().replace("_", "-")}`;
      const audited: string[] = [];

      const source = await mutate(transport, token, "addSource", {
        input: {
          publisher: "Test Wire",
          title: `Report ${tag}`,
          url: `https://example.org/${tag}`,
          publishedAt: "2024-08-01T17:00:00+02:00",
        },
      });
      expect(source.__typename).toBe("Source");
      const readSource = await server.gql(
        `query ($id: ID!) { node(id: $id) { ... on Source { publisher title url publishedAt } } }`,
        { id: source.id },
      );
      expect(readSource.data?.node).toEqual({
        publisher: "Test Wire",
        title: `Report ${tag}`,
        url: `https://example.org/${tag}`,
        publishedAt: "2024-08-01T15:00:00.000Z",
      });
      audited.push(source.id as string);

      const person = await mutate(transport, token, "addPerson", {
        input: {
          name: `Ivan Testov ${tag}`,
          aliases: [`Iwan Testow ${tag}`],
          nationalities: ["RU"],
          birthDate: "1980-05-17",
          sourceIds: [source.id],
        },
      });
      expect(person.__typename).toBe("Person");
      const found = await server.gql(
        `query ($s: String) { persons(search: $s, first: 1) { nodes { id name aliases nationalities birthDate sources { id } } } }`,
        {
          s: `Iwan Testow ${tag}`,
        },
      );
      expect(found.data?.persons.nodes[0]).toEqual({
        id: person.id,
        name: `Ivan Testov ${tag}`,
        aliases: [`Iwan Testow ${tag}`],
        nationalities: ["RU"],
        birthDate: "1980-05-17",
        sources: [{ id: source.id }],
      });
      audited.push(person.id as string);

      const updated = await mutate(transport, token, "updatePerson", {
        id: person.id,
        input: { description: "A test subject." },
      });
      expect(updated).toMatchObject({ __typename: "Person", id: person.id });
      const reread = await server.gql(
        `query ($id: ID!) { node(id: $id) { ... on Person { description aliases nationalities } } }`,
        { id: person.id },
      );
      // Fields left out of the patch keep their values.
      expect(reread.data?.node).toEqual({
        description: "A test subject.",
        aliases: [`Iwan Testow ${tag}`],
        nationalities: ["RU"],
      });
      audited.push(person.id as string);

      const sentence = await mutate(transport, token, "addSentence", {
        input: {
          personId: person.id,
          country: "US",
          charge: "wire fraud",
          kind: "TERM",
          termMonths: 60,
          sentencedOn: "2020-01-10",
          sourceIds: [source.id],
        },
      });
      expect(sentence.__typename).toBe("Sentence");
      const sentences = await server.gql(
        `query ($p: ID) { sentences(personId: $p) { nodes { id kind termMonths country person { id } } } }`,
        { p: person.id },
      );
      expect(sentences.data?.sentences.nodes).toEqual([
        { id: sentence.id, kind: "TERM", termMonths: 60, country: "US", person: { id: person.id } },
      ]);
      audited.push(sentence.id as string);

      const exchange = await mutate(transport, token, "addExchangeEvent", {
        input: {
          slug: `2025-05-01-${tag}`,
          name: `Test exchange ${tag}`,
          occurredOn: "2025-05-01",
          country: "TR",
          mediators: ["TR"],
          parties: ["US", "RU"],
          sourceIds: [source.id],
        },
      });
      expect(exchange.__typename).toBe("ExchangeEvent");
      const bySlug = await server.gql(
        `query ($s: String!) { exchangeEvent(slug: $s) { id name parties sources { id } } }`,
        { s: `2025-05-01-${tag}` },
      );
      expect(bySlug.data?.exchangeEvent).toEqual({
        id: exchange.id,
        name: `Test exchange ${tag}`,
        parties: ["US", "RU"],
        sources: [{ id: source.id }],
      });
      audited.push(exchange.id as string);

      const release = await mutate(transport, token, "addRelease", {
        input: {
          personId: person.id,
          exchangeId: exchange.id,
          releasedOn: "2025-05-01",
          fromCountry: "US",
          toCountry: "RU",
          sentenceId: sentence.id,
          sourceIds: [source.id],
        },
      });
      expect(release.__typename).toBe("Release");
      const releases = await server.gql(
        `query ($e: ID) { releases(exchangeId: $e) { totalCount nodes { id person { id } sentence { id } toCountry } } }`,
        { e: exchange.id },
      );
      expect(releases.data?.releases).toEqual({
        totalCount: 1,
        nodes: [{ id: release.id, person: { id: person.id }, sentence: { id: sentence.id }, toCountry: "RU" }],
      });
      audited.push(release.id as string);

      const statement = await mutate(transport, token, "addStatement", {
        input: {
          speakerId: refs.seleznev,
          text: `Welcome home, ${tag}.`,
          language: "en",
          saidOn: "2025-05-02",
          channel: "Telegram",
          subjectIds: [person.id],
          exchangeId: exchange.id,
          sourceIds: [source.id],
        },
      });
      expect(statement.__typename).toBe("Statement");
      const statements = await server.gql(
        `query ($p: ID) { statements(aboutPersonId: $p) { nodes { id text speaker { id } exchange { id } } } }`,
        { p: person.id },
      );
      expect(statements.data?.statements.nodes).toEqual([
        {
          id: statement.id,
          text: `Welcome home, ${tag}.`,
          speaker: { id: refs.seleznev },
          exchange: { id: exchange.id },
        },
      ]);
      audited.push(statement.id as string);

      const log = await server.gql(
        `query ($a: String) { auditLog(actor: $a, first: 100) { nodes { actor action entity entityId at } } }`,
        { a: actor },
        { authorization: `Bearer ${token}` },
      );
      expect(log.errors).toBeUndefined();
      const entries = log.data?.auditLog.nodes as { actor: string; action: string; entityId: string; at: string }[];
      const mine = entries.filter((e) => audited.includes(e.entityId));
      expect(mine.map((e) => e.action).reverse()).toEqual([
        "addSource",
        "addPerson",
        "updatePerson",
        "addSentence",
        "addExchangeEvent",
        "addRelease",
        "addStatement",
      ]);
      expect(new Set(mine.map((e) => e.actor))).toEqual(new Set([actor]));
    },
  );
});

describe("the audit log", () => {
  it("is for admins only, while other queries stay public", async () => {
    const query = `{ auditLog(first: 1) { totalCount } }`;
    const anonymous = await server.gql(query);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.data?.auditLog ?? null).toBeNull();
    const stranger = await server.gql(query, {}, { authorization: "Bearer not-a-key-of-ours-1234" });
    expect(stranger.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const admin = await server.gql(query, {}, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    // The built-in data set is recorded too: 263 facts loaded by "reference-data".
    expect(admin.data?.auditLog.totalCount).toBeGreaterThanOrEqual(263);
    const publicRead = await server.gql(`{ stats { persons } }`);
    expect(publicRead.errors).toBeUndefined();
  });

  it("pages newest first and filters by actor, action and entity", async () => {
    const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const page = `query ($after: String) {
      auditLog(first: 3, after: $after, actor: "reference-data", action: "addPerson", entity: "person") {
        totalCount pageInfo { endCursor hasNextPage } nodes { actor action entity entityId at } } }`;
    const first = await server.gql(page, {}, admin);
    const second = await server.gql(page, { after: first.data?.auditLog.pageInfo.endCursor }, admin);
    expect(first.data?.auditLog.totalCount).toBe(59);
    expect(first.data?.auditLog.pageInfo.hasNextPage).toBe(true);
    const entries = [...(first.data?.auditLog.nodes ?? []), ...(second.data?.auditLog.nodes ?? [])];
    expect(entries).toHaveLength(6);
    expect(new Set(entries.map((e) => e.entityId)).size).toBe(6);
    for (const e of entries)
      expect(e).toMatchObject({ actor: "reference-data", action: "addPerson", entity: "person" });
    const ids = entries.map((e) => Number(Buffer.from(e.entityId, "base64url").toString().split(":")[1]));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const person = await server.gql(`query ($id: ID!) { node(id: $id) { __typename } }`, { id: entries[0].entityId });
    expect(person.data?.node.__typename).toBe("Person");
  });
});

describe("duplicates are ConflictErrors and write nothing", () => {
  const cases: [string, MutationName, () => Record<string, unknown>, string][] = [
    [
      "an exchange slug that exists",
      "addExchangeEvent",
      () => ({
        input: { slug: "2024-08-01-ankara", name: "Ankara again", occurredOn: "2024-08-01", sourceIds: [refs.source] },
      }),
      "ankara",
    ],
    ["a person slug that exists", "addPerson", () => ({ input: { name: "Roman Seleznev" } }), "seleznev"],
    [
      "a person renamed to another's slug",
      "updatePerson",
      () => ({ id: refs.krasikov, input: { slug: "roman-seleznev" } }),
      "seleznev",
    ],
    [
      "a source URL that exists",
      "addSource",
      () => ({ input: { publisher: "Someone", url: refs.sourceUrl } }),
      "source",
    ],
    [
      "the same person released twice in one exchange",
      "addRelease",
      () => ({
        input: {
          personId: refs.krasikov,
          exchangeId: refs.ankara,
          releasedOn: "2024-08-02",
          fromCountry: "DE",
          sourceIds: [refs.source],
        },
      }),
      "",
    ],
    [
      "the same speaker, day and text",
      "addStatement",
      () => ({
        input: {
          speakerId: refs.statement.speakerId,
          saidOn: refs.statement.saidOn,
          text: refs.statement.text,
          sourceIds: [refs.source],
        },
      }),
      "",
    ],
  ];
  it.each(cases)("%s", async (_label, name, variables, existing) => {
    const before = await fingerprint(server.database.db);
    const result = await mutate("http", mintedToken, name, variables());
    expect(result.__typename).toBe("ConflictError");
    expect(result.message).toMatch(/already|exists/);
    // The id is in existingId, as a global id; the message shows no database id.
    expect(result.message).not.toMatch(/\bid \d/);
    const expectedId = { ankara: refs.ankara, seleznev: refs.seleznev, source: refs.source }[existing];
    if (expectedId) expect(result.existingId).toBe(expectedId);
    else expect(result.existingId).toEqual(expect.any(String));
    expect(await fingerprint(server.database.db)).toBe(before);
  });
});

describe("concurrent identical writes", () => {
  const writes: [MutationName, () => Record<string, unknown>][] = [
    ["addPerson", () => ({ input: { name: "Racing Person" } })],
    [
      "addExchangeEvent",
      () => ({ input: { slug: "2026-09-01-race", name: "Race", occurredOn: "2026-09-01", sourceIds: [refs.source] } }),
    ],
    [
      "addRelease",
      () => ({
        input: { personId: refs.krasikov, releasedOn: "2026-10-02", fromCountry: "DE", sourceIds: [refs.source] },
      }),
    ],
    [
      "addStatement",
      () => ({
        input: { speakerId: refs.krasikov, text: "Said once.", saidOn: "2026-11-03", sourceIds: [refs.source] },
      }),
    ],
  ];
  it.each(writes)("%s ×6 at once: one is written, five are ConflictErrors", async (name, variables) => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => mutate(TRANSPORTS[i % 3] as Transport, mintedToken, name, variables())),
    );
    const types = results.map((r) => r.__typename).sort();
    expect(types.filter((t) => t === "ConflictError")).toHaveLength(5);
    const written = { addPerson: "Person", addExchangeEvent: "ExchangeEvent", addRelease: "Release" }[name as string];
    expect(types.filter((t) => t !== "ConflictError")).toEqual([written ?? "Statement"]);
  });
});
