// SIGTERM and SIGINT under load, on the real entry point in a child process: /ready turns 503 at once,
// requests in flight finish (no 5xx, no reset), WebSocket clients get 1001, exit within 10 s.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/cluster.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { RawSocket } from "./support/raw.js";
import { until } from "./support/until.js";

const SLOW_REQUESTS = 12;
/** How long each slow request's body takes to arrive: it is in flight when SIGTERM comes. */
const TRICKLE_MS = 1_500;
const DELAY_MS = 300;

type Service = { child: ChildProcess; port: number; output: string[]; cleanup(): Promise<void> };
const services = new Map<string, Service>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `tsx src/main.ts` on a free port, over its own database (PostgreSQL) or data directory (PGlite). */
async function startService(): Promise<Service> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "eg-shutdown-"));
  const testDb: TestDatabase | undefined = process.env.DATABASE_URL
    ? await createTestDatabase({ seed: false })
    : undefined;
  const output: string[] = [];
  const child = spawn(join("node_modules", ".bin", "tsx"), ["src/main.ts"], {
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
  const cleanup = async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await testDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const up = () =>
    fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
  try {
    await until(async () => child.exitCode !== null || (await up()), 40_000, "/health");
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
  } catch (error) {
    await cleanup();
    throw new Error(`the service did not start (${(error as Error).message}):\n${output.join("")}`);
  }
  return { child, port, output, cleanup };
}

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
beforeAll(async () => {
  const started = await Promise.all(SIGNALS.map(() => startService()));
  for (const [i, signal] of SIGNALS.entries()) services.set(signal, started[i] as Service);
}, 90_000);
afterAll(async () => {
  for (const service of services.values()) await service.cleanup();
});

type Outcome = { status?: number; body?: string; error?: string };

/** A POST whose JSON body trickles in over TRICKLE_MS, on its own connection. */
function slowQuery(port: number): Promise<Outcome> {
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

describe("shutdown under load", () => {
  it.each(SIGNALS)(
    "%s: drains requests in flight, closes WebSockets with 1001 and exits within 10 s",
    async (signal) => {
      const { child, port, output } = services.get(signal) as Service;
      const sockets = await Promise.all([1, 2, 3].map(() => RawSocket.open(`ws://127.0.0.1:${port}/graphql`)));
      const inFlight = Array.from({ length: SLOW_REQUESTS }, () => slowQuery(port));
      await sleep(500);

      const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
        const started = Date.now();
        child.once("exit", (code) => resolve({ code, ms: Date.now() - started }));
      });
      child.kill(signal);
      // At once: within a moment, however loaded the machine (the signal is handled between requests).
      await until(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 503, 2_000, "/ready 503");

      const outcomes = await Promise.all(inFlight);
      const { code, ms } = await exited;
      const closes = await Promise.all(sockets.map((s) => s.waitClose()));
      console.log(`${signal}: exit ${code} after ${ms} ms; ${SLOW_REQUESTS} requests in flight answered`, outcomes[0]);

      for (const outcome of outcomes) {
        expect(outcome.error).toBeUndefined();
        expect(outcome.status).toBe(200);
        expect(JSON.parse(outcome.body ?? "{}")).toEqual({ data: { stats: { persons: 0 } } });
      }
      expect(closes.map((c) => c.code)).toEqual([1001, 1001, 1001]);
      expect(code, output.join("")).toBe(0);
      expect(ms).toBeLessThan(10_000);
      expect(output.join("")).toMatch(/"msg":"stopped"/);
      // Still answering after it has stopped listening would mean the port was never released.
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    },
  );
});
