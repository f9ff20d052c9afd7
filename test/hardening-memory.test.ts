// What a client can make the server keep: documents it will never see again must not stay in
// memory. A document of one long string literal passes the token limit at up to the body limit,
// and Yoga's parse caches (and the response cache's memo of documents) were bounded in entries
// only, so a client could pin about a GB with 1,024 such documents.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/server.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false });
});
afterAll(() => server?.close());

it("keeps no memory for documents of a megabyte sent once each", { timeout: 120_000 }, async () => {
  const send = async (n: number) => {
    const query = `{ persons(first: 1, search: "${String(n).padEnd(1_000_000, "x")}") { nodes { name } } }`;
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: await response.text() };
  };
  // One first, so that what the first request of its kind costs once is in the baseline.
  expect((await send(0)).body).toContain("must be at most 200 characters");
  const before = heapUsed();
  for (let n = 1; n <= 100; n++) expect((await send(n)).status).toBe(200);
  const grown = (heapUsed() - before) / 2 ** 20;
  // 100 MB of documents: kept, they took over 100 MiB; now a few MiB of whatever else moved.
  expect(grown).toBeLessThan(30);
});
