// Facts that cannot be true, over HTTP, SSE and graphql-ws and through the import: a date after
// tomorrow (UTC) in any fact, and names that disguise themselves (bidirectional controls,
// invisible characters, nothing but combining marks). Each is a ValidationError naming the field,
// nothing is written and no subscriber hears of it; names are stored in NFC.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFacts } from "../src/facts/import.js";
import {
  fingerprint,
  MUTATIONS,
  type MutationName,
  type MutationResult,
  type References,
  references,
  send,
  TRANSPORTS,
} from "./support/admin.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";
import { wsSubscribe } from "./support/subscribers.js";

let server: TestServer;
let refs: References;
beforeAll(async () => {
  server = await startServer();
  refs = await references(server);
});
afterAll(async () => {
  await server?.close();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const AUTH = `Bearer ${TEST_ADMIN_TOKEN}`;

type Case = [name: MutationName, field: string[], variables: () => Record<string, unknown>];

/** Every date of every fact, each set to `value`, with the rest of the input valid. */
const dated = (value: string): Case[] => [
  ["addSource", ["publishedOn"], () => ({ input: { publisher: "Future Wire", publishedOn: value } })],
  ["addSource", ["publishedAt"], () => ({ input: { publisher: "Future Wire", publishedAt: `${value}T12:00:00Z` } })],
  ["addPerson", ["birthDate"], () => ({ input: { name: "Future Person", birthDate: value } })],
  ["updatePerson", ["birthDate"], () => ({ id: refs.seleznev, input: { birthDate: value } })],
  [
    "addSentence",
    ["sentencedOn"],
    () => ({
      input: {
        ...{ personId: refs.krasikov, country: "RU", charge: "future", kind: "LIFE" },
        ...{ sentencedOn: value, sourceIds: [refs.source] },
      },
    }),
  ],
  [
    "addExchangeEvent",
    ["occurredOn"],
    () => ({
      input: { slug: `${value}-future`, name: "Future exchange", occurredOn: value, sourceIds: [refs.source] },
    }),
  ],
  [
    "addRelease",
    ["releasedOn"],
    () => ({ input: { personId: refs.krasikov, releasedOn: value, fromCountry: "RU", sourceIds: [refs.source] } }),
  ],
  [
    "addStatement",
    ["saidOn"],
    () => ({ input: { speakerId: refs.krasikov, text: "Not yet said.", saidOn: value, sourceIds: [refs.source] } }),
  ],
];

async function mutate(name: MutationName, variables: Record<string, unknown>, transport = TRANSPORTS[0]) {
  const answer = await send<{ result: MutationResult }>(server, transport ?? "http", MUTATIONS[name], variables, AUTH);
  expect(answer.errors, `${name} over ${transport}`).toBeUndefined();
  return answer.data?.result as MutationResult;
}

async function expectRefused(name: MutationName, field: string[], variables: Record<string, unknown>, why: RegExp) {
  const before = await fingerprint(server.database.db);
  for (const transport of TRANSPORTS) {
    const result = await mutate(name, variables, transport);
    expect(result.__typename, `${name} over ${transport}`).toBe("ValidationError");
    expect(
      result.fields?.map((f) => f.path),
      transport,
    ).toEqual([field]);
    expect(result.fields?.[0]?.message, transport).toMatch(why);
  }
  expect(await fingerprint(server.database.db)).toBe(before);
}

describe("a date after tomorrow (UTC)", () => {
  const examples: Case[] = [
    ...dated(day(2)),
    ...dated("2199-12-31").filter(([name]) => name === "addRelease"),
    ...dated("2150-01-01").filter(([name]) => name === "addStatement"),
    ...dated("2100-01-01").filter(([name]) => name === "addPerson"),
  ];
  it.each(examples.map(([name, field, variables]) => [`${name}.${field}`, name, field, variables] as const))(
    "%s: ValidationError naming the field on every transport, nothing written",
    async (_label, name, field, variables) => {
      await expectRefused(name, field, variables(), /must not be after tomorrow/);
    },
  );

  it("tomorrow is accepted, and a refused release reaches no subscriber", async () => {
    const subscriber = wsSubscribe(server.wsUrl, "subscription { releaseAdded { release { releasedOn } } }");
    try {
      while (server.app.feed.subscriberCount < 1) await new Promise((resolve) => setTimeout(resolve, 20));
      const [, , future] = dated(day(2)).find(([name]) => name === "addRelease") as Case;
      expect((await mutate("addRelease", future())).__typename).toBe("ValidationError");
      const [, , tomorrow] = dated(day(1)).find(([name]) => name === "addRelease") as Case;
      expect((await mutate("addRelease", tomorrow())).__typename).toBe("Release");
      await subscriber.until((results) => results.length > 0);
      expect(subscriber.results.map((r) => r.data?.releaseAdded.release.releasedOn)).toEqual([day(1)]);
    } finally {
      await subscriber.close();
    }
  });

  it("is rejected by the import too, record by record", async () => {
    const summary = await importFacts(
      server.database.db,
      { sources: [{ key: "s", publisher: "Import Wire", publishedOn: "2199-12-31" }] },
      "hardening-test",
    );
    expect(summary.sources).toEqual({ added: 0, duplicate: 0, rejected: 1 });
    expect(summary.rejected[0]?.reason).toMatch(/publishedOn: must not be after tomorrow/);
  });
});

const DISGUISED: [string, string, RegExp][] = [
  ["only combining marks", "\u0301\u0302\u0303", /only combining marks/],
  ["a right-to-left override", "Roman \u202ESeleznev", /bidirectional control/],
  ["a first-strong isolate", "Roman \u2068Seleznev\u2069", /bidirectional control/],
  ["a zero-width space", "Roman Sele\u200Bznev", /zero-width/],
  ["a zero-width joiner", "Roman\u200DSeleznev", /zero-width/],
  ["a byte-order mark", "\uFEFFRoman Seleznev", /zero-width/],
];

/** Every name-like field, holding `value`, with the rest of the input valid. */
const named = (value: string): Case[] => [
  ["addPerson", ["name"], () => ({ input: { name: value } })],
  ["addPerson", ["aliases", "0"], () => ({ input: { name: "Alias Holder", aliases: [value] } })],
  ["updatePerson", ["name"], () => ({ id: refs.seleznev, input: { name: value } })],
  ["addSource", ["publisher"], () => ({ input: { publisher: value } })],
  ["addSource", ["title"], () => ({ input: { publisher: "Wire", title: value } })],
  [
    "addExchangeEvent",
    ["name"],
    () => ({
      input: { slug: "2020-01-01-disguised", name: value, occurredOn: "2020-01-01", sourceIds: [refs.source] },
    }),
  ],
];

describe("names that disguise themselves", () => {
  const cases = DISGUISED.flatMap(([what, value, why]) =>
    named(value).map(
      ([name, field, variables]) => [`${name}.${field.join(".")}: ${what}`, name, field, variables, why] as const,
    ),
  );
  it.each(cases)("%s: ValidationError on every transport, nothing written", async (_l, name, field, variables, why) => {
    await expectRefused(name, field, variables(), why);
  });
});

describe("names are stored in NFC", () => {
  it("names, aliases, publishers and titles given decomposed are stored composed", async () => {
    const nfd = (text: string) => text.normalize("NFD");
    const person = await mutate("addPerson", { input: { name: nfd("Lëv Nfd Tëst"), aliases: [nfd("Лёв Нфд")] } });
    const source = await mutate("addSource", {
      input: { publisher: nfd("Agence Présse"), title: nfd("Crème brûlée") },
    });
    const read = await server.gql(
      `query ($p: ID!, $s: ID!) { p: node(id: $p) { ... on Person { name aliases } }
        s: node(id: $s) { ... on Source { publisher title } } }`,
      { p: person.id, s: source.id },
    );
    expect(read.data).toEqual({
      p: { name: "Lëv Nfd Tëst".normalize("NFC"), aliases: ["Лёв Нфд".normalize("NFC")] },
      s: { publisher: "Agence Présse".normalize("NFC"), title: "Crème brûlée".normalize("NFC") },
    });
    expect(read.data?.p.name).not.toBe(nfd("Lëv Nfd Tëst"));
  });
});
