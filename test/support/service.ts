// The service as a separate process (`node --import tsx src/main.ts`, or what `npm start` runs),
// on a free port, for tests that need several instances on one database or the built service.
import { type ChildProcess, spawn } from "node:child_process";

export type Service = {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  /** Every line the process printed (pino JSON). */
  lines: string[];
  /** SIGTERM, then the exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
};

export async function spawnService(
  env: Record<string, string>,
  timeoutMs = 30_000,
  args = ["--import", "tsx", "src/main.ts"],
): Promise<Service> {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", SEED: "false", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Left running, it would hold its data folder's lock against the next test.
      child.kill("SIGKILL");
      reject(new Error(`service did not start:\n${lines.join("\n")}`));
    }, timeoutMs);
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        const found = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (found && line.includes("is listening")) {
          clearTimeout(timer);
          resolve(found[1] as string);
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${lines.join("\n")}`));
    });
  });
  return {
    child,
    url,
    wsUrl: url.replace(/^http/, "ws"),
    lines,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
