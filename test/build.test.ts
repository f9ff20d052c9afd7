// `npm start` runs the built bundle (src/cli/build.ts → dist/server/main.js), not the sources:
// it must find its migrations and the reference facts from there, answer, and stop cleanly.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { type Service, spawnService } from "./support/service.js";

let testDb: TestDatabase | undefined;
let dataDir: string | undefined;
let service: Service;

beforeAll(async () => {
  execFileSync(process.execPath, ["src/cli/build.ts", "--if-stale"], { stdio: "pipe" });
  // An empty database (PostgreSQL) or data directory (PGlite): the bundle migrates and seeds it.
  if (process.env.DATABASE_URL) testDb = await createTestDatabase();
  else dataDir = mkdtempSync(join(tmpdir(), "eg-build-"));
  const env: Record<string, string> = testDb?.url ? { DATABASE_URL: testDb.url } : { DATA_DIR: dataDir as string };
  service = await spawnService({ ...env, SEED: "true" }, 60_000, ["dist/server/main.js"]);
}, 120_000);
afterAll(async () => {
  await testDb?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("the built service", () => {
  it("loads the reference facts, answers a search, and stops cleanly on SIGTERM", async () => {
    const response = await fetch(service.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ persons(search: "Krassikov", first: 1) { nodes { name } } }` }),
    });
    expect(await response.json()).toEqual({ data: { persons: { nodes: [{ name: "Vadim Krasikov" }] } } });
    expect(await service.stop()).toBe(0);
  });

  it("rebuilds without deleting what others keep in dist/ (the bench's own bundle)", () => {
    const theirs = join("dist", "bench-probe", "kept.txt");
    mkdirSync(join("dist", "bench-probe"), { recursive: true });
    writeFileSync(theirs, "not the build's");
    try {
      execFileSync(process.execPath, ["src/cli/build.ts"], { stdio: "pipe" });
      expect(existsSync(theirs)).toBe(true);
      expect(existsSync(join("dist", "server", "main.js"))).toBe(true);
      expect(existsSync(join("dist", "data", "reference-facts.json"))).toBe(true);
    } finally {
      rmSync(join("dist", "bench-probe"), { recursive: true, force: true });
    }
  });
});
