// graphql-http's audit of the GraphQL over HTTP spec, against the running server: every MUST
// passes; a SHOULD that does not is named in README.md ("GraphQL over HTTP conformance").
import { readFileSync } from "node:fs";
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false });
});
afterAll(async () => {
  await server?.close();
});

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const audits = serverAudits({ url: () => server.url });

describe("graphql-http server audits", () => {
  it.each(audits.map((audit) => [audit.name, audit] as const))("%s", async (_name, audit) => {
    const result = await audit.fn();
    if (audit.name.startsWith("MUST")) expect(result.status, "reason" in result ? result.reason : "").toBe("ok");
    // A SHOULD that fails is explained in the README, by its audit id.
    if (audit.name.startsWith("SHOULD") && result.status !== "ok") expect(readme).toContain(audit.id);
  });
});
