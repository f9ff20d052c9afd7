// The HTTP status each kind of request gets for each Accept header, as docs/security.md's
// "Status codes" table states it: every cell of that table is checked here against the running
// service, so the documentation cannot say one thing while the service does another.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false });
});
afterAll(async () => {
  await server?.close();
});

/** `also`: more bodies the same row covers, each answered alike. */
type Request = { body: string; contentType?: string; get?: string; also?: string[] };
const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
const nest = (depth: number) => JSON.parse(`${"[".repeat(depth)}"x"${"]".repeat(depth)}`);
const DEPTH_BOMB = `{ persons(first: 1) { nodes { ${"releases { person { ".repeat(8)}name${" } }".repeat(8)} } } }`;

/** One request of each row, found by the start of the row's first cell. */
const REQUESTS: [string, Request][] = [
  ["a query that runs", { body: json('mutation { addSource(input: { publisher: "x" }) { __typename } }') }],
  ["a document that does not parse", { body: json("{ persons("), get: "{ persons(" }],
  ["a document that does not validate", { body: json(DEPTH_BOMB), get: "{ persns { name } }" }],
  [
    "an argument refused",
    { body: json("{ persons(first: 1000) { totalCount } }"), get: "{ persons(first: 1000) { totalCount } }" },
  ],
  ["a body without `query`", { body: "{}" }],
  ["variables that do not fit", { body: json("query ($n: Int) { persons(first: $n) { totalCount } }", { n: "x" }) }],
  ["a body that is not JSON", { body: '{"query": ' }],
  [
    "a batch",
    {
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
      also: [json("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: nest(40) })],
    },
  ],
  ["a body over 1 MiB", { body: `{"query":"{ __typename }"${" ".repeat(1_100_000)}}` }],
  ["a form or `text/plain` POST", { body: "query=%7B__typename%7D", contentType: "application/x-www-form-urlencoded" }],
  ["a mutation over GET", { body: "", get: "mutation { __typename }" }],
];

/** The table under "**Status codes.**": its header's Accept values and its rows. */
function documentedTable() {
  const text = readFileSync(new URL("../docs/security.md", import.meta.url), "utf8");
  const section = text.slice(text.indexOf("**Status codes.**"));
  const all = section.split("\n");
  const first = all.findIndex((line) => line.startsWith("|"));
  const end = all.findIndex((line, i) => i > first && !line.startsWith("|"));
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim());
  const [header, , ...rows] = all.slice(first, end);
  const accepts = cells(header as string)
    .slice(1)
    .map((cell) => (cell === "no `Accept`" ? "" : cell.replaceAll("`", "")));
  return { accepts, rows: rows.map(cells).map(([label, ...statuses]) => ({ label: label as string, statuses })) };
}

async function status(request: Request, accept: string, method: "POST" | "GET"): Promise<number> {
  const headers: Record<string, string> = accept ? { accept } : {};
  const response =
    method === "GET"
      ? await fetch(`${server.url}?query=${encodeURIComponent(request.get as string)}`, { headers })
      : await fetch(server.url, {
          method: "POST",
          headers: { ...headers, "content-type": request.contentType ?? "application/json" },
          body: request.body,
        });
  await response.arrayBuffer();
  return response.status;
}

describe("status codes by Accept, as docs/security.md states them", () => {
  const table = documentedTable();

  it("the table names the four media types and no Accept, and a request for each of its rows", () => {
    expect(table.accepts).toEqual([
      "application/graphql-response+json",
      "application/json",
      "*/*",
      "",
      "text/event-stream",
    ]);
    expect(table.rows.map((row) => REQUESTS.find(([start]) => row.label.startsWith(start))?.[0])).toEqual(
      REQUESTS.map(([start]) => start),
    );
  });

  it.each(REQUESTS)("%s…", async (start, request) => {
    const row = table.rows.find((r) => r.label.startsWith(start));
    expect(row, start).toBeDefined();
    for (const [column, accept] of table.accepts.entries()) {
      const documented = Number(row?.statuses[column]);
      const method = start === "a mutation over GET" ? "GET" : "POST";
      expect(await status(request, accept, method), `${method} with Accept "${accept}"`).toBe(documented);
      for (const body of request.also ?? []) {
        expect(await status({ body }, accept, "POST"), `${body.slice(0, 40)} with Accept "${accept}"`).toBe(documented);
      }
      if (request.get && method === "POST") {
        expect(await status(request, accept, "GET"), `GET with Accept "${accept}"`).toBe(documented);
      }
    }
  });

  it("an Accept that names none of them gets 406", async () => {
    const request = { body: json("{ __typename }") };
    expect(await status(request, "application/xml", "POST")).toBe(406);
    expect(await status(request, "text/html", "POST")).toBe(406);
  });
});
