// The README's and docs/api.md's examples run as written: the admin-write example (invented facts)
// against a real server, the default page size, and the figures given for the cost limit.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const API_DOC = readFileSync(new URL("../docs/api.md", import.meta.url), "utf8");

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe("README: Admin writes", () => {
  it("records the invented release, step by step as written", async () => {
    const section = README.slice(README.indexOf("## Admin writes"));
    const block = /```graphql\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(block).toContain("Erika Mustermann");
    const [source, person, release] = block.split(/^(?=mutation)/m).map((part) => part.replace(/^#.*$/gm, ""));
    const variables = block
      .split("\n")
      .filter((line) => line.startsWith("#"))
      .map((line) => line.slice(1))
      .join("");

    const s = await server.gql(source ?? "", undefined, admin);
    const sourceId = (s.data?.addSource as { id?: string } | undefined)?.id ?? "";
    const p = await server.gql(person ?? "", undefined, admin);
    const personId = (p.data?.addPerson as { id?: string } | undefined)?.id ?? "";
    expect(sourceId).toBeTruthy();
    expect(personId).toBeTruthy();
    const input = JSON.parse(variables.replace("<the Person id>", personId).replace("<the Source id>", sourceId));
    const r = await server.gql(release ?? "", input, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data?.addRelease).toMatchObject({ __typename: "Release", person: { name: "Erika Mustermann" } });
  });
});

describe("docs/api.md: pages and cost", () => {
  it("gives 20 items when `first` is left out", async () => {
    const response = await server.gql<{ releases: { totalCount: number; nodes: unknown[] } }>(
      "{ releases { totalCount nodes { id } } }",
    );
    expect(response.data?.releases.totalCount).toBeGreaterThan(20);
    expect(response.data?.releases.nodes).toHaveLength(20);
  });

  it("prices the worked examples as stated: 43,475 runs, 53,600 is refused", async () => {
    const allowed = "{ persons(first: 100) { nodes { name statements(first: 20) { nodes { text saidOn } } } } }";
    const refused =
      "{ persons(first: 100) { nodes { name statements(first: 20) { nodes { text saidOn channel } } } } }";
    expect(API_DOC).toContain(allowed);
    expect(API_DOC).toContain("**43,475**");
    expect(API_DOC).toContain("**53,600**");
    const ok = await server.gql(allowed);
    expect(ok.errors).toBeUndefined();
    const no = await server.gql(refused);
    expect(no.data ?? undefined).toBeUndefined();
    expect(no.errors?.[0]).toMatchObject({
      message: "Query Cost limit of 50000 exceeded, found 53600.",
      extensions: { code: "QUERY_TOO_COMPLEX" },
    });
    // Four copies of a query priced 13,943.75 sum to 55,775: over the limit, so the message says
    // the exact price.
    const small = "persons(first: 100) { nodes { name statements(first: 5) { nodes { text saidOn channel } } } }";
    expect(API_DOC).toContain("13,943.75");
    const four = await server.gql(`{ ${["a", "b", "c", "d"].map((alias) => `${alias}: ${small}`).join(" ")} }`);
    expect(four.errors?.[0]?.message).toBe("Query Cost limit of 50000 exceeded, found 55775.");
    const one = await server.gql(`{ ${small} }`);
    expect(one.errors).toBeUndefined();
    const flat = "{ statements(first: 100) { nodes { text saidOn speaker { name } } } }";
    expect(API_DOC).toContain(flat.slice(2, -2));
    expect((await server.gql(flat)).errors).toBeUndefined();
  });
});
