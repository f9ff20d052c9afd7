// Parent ↔ child plumbing: every server under test and every load client runs in its own
// process, and answers commands over the IPC channel.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getHeapSpaceStatistics } from "node:v8";
import { build } from "esbuild";
import { serverBundle } from "../src/cli/bundle-options.ts";

type Message = { id: number; cmd: string; args?: unknown };
type Reply = { id: number; ok: boolean; value?: unknown; error?: string };

export type Child = {
  name: string;
  process: ChildProcess;
  /** What the child sent with `ready` (for servers: the port). */
  ready: Record<string, unknown>;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
};

export type ChildOptions = { env?: Record<string, string>; args?: string[]; cpuProfDir?: string | undefined };

/** Our server child, bundled as `npm start`'s server is, once per bench run. */
let bundledApp: Promise<string> | undefined;
function appBundle(): Promise<string> {
  bundledApp ??= (async () => {
    const outfile = fileURLToPath(new URL("../dist/bench/app.js", import.meta.url));
    const options = serverBundle(fileURLToPath(new URL("./children/app.ts", import.meta.url)), outfile);
    // This file is in the bundle too (the child answers over it); esbuild stays a package.
    await build({ ...options, external: [...(options.external ?? []), "esbuild"] });
    return outfile;
  })();
  return bundledApp;
}

/**
 * Starts bench/children/<name>.ts and waits for its `ready` message. Our server (`app`) runs as
 * the esbuild bundle `npm start` runs, not through tsx (whose keepNames alone adds a call per
 * closure made); the others are their packages' published JavaScript behind a small child file.
 */
export async function startChild(name: string, options: ChildOptions = {}): Promise<Child> {
  const bundled = name === "app";
  const file = bundled ? await appBundle() : fileURLToPath(new URL(`./children/${name}.ts`, import.meta.url));
  const execArgv = bundled ? ["--expose-gc"] : ["--import", "tsx", "--expose-gc"];
  if (options.cpuProfDir) execArgv.push("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`);
  const child = fork(file, options.args ?? [], {
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${name} exited (${code}) before it was ready`));
    child.once("exit", onExit);
    child.on("message", (raw) => {
      const message = raw as Reply & { ready?: Record<string, unknown> };
      if (message.ready) {
        child.off("exit", onExit);
        resolve(message.ready);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
  });
  child.once("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited (${code})`));
    pending.clear();
  });
  return {
    name,
    process: child,
    ready,
    call<T>(cmd: string, args?: unknown, timeoutMs = 600_000) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, cmd, args } satisfies Message);
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ id: 0, cmd: "exit" } satisfies Message);
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

// In a child: a parent that dies, even while the child is still loading, must not leave it running.
if (process.send) {
  if (!process.connected) process.exit(0);
  process.on("disconnect", () => process.exit(0));
}

type Handler = (args: any) => unknown;

/**
 * Child side: announces readiness and answers commands; `exit` runs `onExit` then exits, and
 * `cpu` returns the process's CPU time so far (user and system, µs).
 */
export function serveCommands(
  ready: Record<string, unknown>,
  handlers: Record<string, Handler>,
  onExit: () => Promise<void>,
) {
  process.on("message", async (raw) => {
    const { id, cmd, args } = raw as Message;
    if (cmd === "exit") {
      await onExit();
      process.exit(0);
    }
    const handler = cmd === "cpu" ? () => process.cpuUsage() : handlers[cmd];
    try {
      if (!handler) throw new Error(`unknown command ${cmd}`);
      process.send?.({ id, ok: true, value: await handler(args) } satisfies Reply);
    } catch (error) {
      process.send?.({ id, ok: false, error: error instanceof Error ? error.stack : String(error) } satisfies Reply);
    }
  });
  process.send?.({ ready });
}

/**
 * Resident memory after a full collection (children run with --expose-gc), and how much of it
 * is V8's young generation: empty after a full collection, but its pages stay resident, sized
 * by how fast the process last allocated rather than by what it keeps.
 */
export function settledMemory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const young = getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
  return { rss, heapUsed, young: young?.physical_space_size ?? 0 };
}

export type Memory = { rss: number; heapUsed: number; young: number };
