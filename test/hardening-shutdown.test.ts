// SIGTERM under load, on the real entry point in a child process: /ready turns 503 at once,
// requests in flight finish (no 5xx, no reset), WebSocket clients get 1001, exit within 10 s.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { RawSocket } from "./support/raw.js";

const SLOW_REQUESTS = 12;
/** How long each slow request's body takes to arrive: it is in flight when SIGTERM comes. */
const TRICKLE_MS = 1_500;
const DELAY_MS = 300;

let child: ChildProcess;
let port: number;
let dataDir: string;
let testDb: TestDatabase | undefined;
const output: string[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), "eg-shutdown-"));
  // On PostgreSQL the child gets its own database; on PGlite its own data directory.
  if (process.env.DATABASE_URL) testDb = await createTestDatabase({ seed: false });
  child = spawn(join("node_modules", ".bin", "tsx"), ["src/main.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: testDb?.url ?? "",
      SEED: "false",
      LOG_LEVEL: "info",
      SHUTDOWN_DELAY_MS: String(DELAY_MS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => output.push(String(chunk)));
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300 || child.exitCode !== null) throw new Error(`the service did not start:\n${output.join("")}`);
    await sleep(100);
  }
}, 60_000);
afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await testDb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Outcome = { status?: number; body?: string; error?: string };

/** A POST whose JSON body trickles in over TRICKLE_MS, on its own connection. */
function slowQuery(): Promise<Outcome> {
  const body = JSON.stringify({ query: "{ stats { persons } }" });
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode, body: text }));
        res.on("error", (error) => resolve({ error: String(error) }));
      },
    );
    req.on("error", (error) => resolve({ error: String(error) }));
    req.write(body.slice(0, 10));
    setTimeout(() => req.end(body.slice(10)), TRICKLE_MS);
  });
}

describe("SIGTERM under load", () => {
  it("drains requests in flight, closes WebSockets with 1001 and exits within 10 s", async () => {
    const sockets = await Promise.all([1, 2, 3].map(() => RawSocket.open(`ws://127.0.0.1:${port}/graphql`)));
    const inFlight = Array.from({ length: SLOW_REQUESTS }, () => slowQuery());
    await sleep(200);

    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const started = Date.now();
      child.once("exit", (code) => resolve({ code, ms: Date.now() - started }));
    });
    child.kill("SIGTERM");
    await sleep(50);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(503);

    const outcomes = await Promise.all(inFlight);
    const { code, ms } = await exited;
    const closes = await Promise.all(sockets.map((s) => s.waitClose()));
    console.log(`shutdown: exit ${code} after ${ms} ms; ${SLOW_REQUESTS} requests in flight answered`, outcomes[0]);

    for (const outcome of outcomes) {
      expect(outcome.error).toBeUndefined();
      expect(outcome.status).toBe(200);
      expect(JSON.parse(outcome.body ?? "{}")).toEqual({ data: { stats: { persons: 0 } } });
    }
    expect(closes.map((c) => c.code)).toEqual([1001, 1001, 1001]);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    // Still answering after it has stopped listening would mean the port was never released.
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
