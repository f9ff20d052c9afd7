// graphql-http's audit of the GraphQL over HTTP spec, against the running server: every audit,
// MUST, SHOULD and MAY, passes, as docs/security.md ("GraphQL over HTTP conformance") claims.
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

const audits = serverAudits({ url: () => server.url });

describe("graphql-http server audits", () => {
  it("runs every kind of audit", () => {
    for (const level of ["MUST", "SHOULD", "MAY"])
      expect(audits.some((audit) => audit.name.startsWith(level))).toBe(true);
  });
  it.each(audits.map((audit) => [audit.name, audit] as const))("%s", async (_name, audit) => {
    const result = await audit.fn();
    expect(result.status, "reason" in result ? result.reason : "").toBe("ok");
  });
});
