// A throwaway PostgreSQL cluster (initdb on a free port) that a test may restart. Needs root (to
// run the server as the postgres user) and the Debian PostgreSQL 15 binaries.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

export const canRunCluster =
  process.getuid?.() === 0 && existsSync(join(BIN, "initdb")) && existsSync(join(BIN, "pg_ctl"));

export type Cluster = {
  url: string;
  /** pg_ctl stop -m fast (every session is cut), `downMs` without a server (running `whileDown`), start. */
  restart(downMs: number, whileDown?: () => Promise<void>): Promise<void>;
  destroy(): Promise<void>;
};

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const asPostgres = (...args: string[]) => run("runuser", ["-u", "postgres", "--", ...args], { timeout: 60_000 });

export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync("/tmp/eg-cluster-");
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  chownSync(dir, uid, gid);
  const data = join(dir, "data");
  const port = await freePort();
  await asPostgres(join(BIN, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync");
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (...args: string[]) => asPostgres(join(BIN, "pg_ctl"), "-D", data, "-l", join(dir, "log"), ...args);
  await pgCtl("-o", options, "-w", "start");
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs, whileDown) {
      await pgCtl("-m", "fast", "-w", "stop");
      await Promise.all([new Promise((resolve) => setTimeout(resolve, downMs)), whileDown?.()]);
      await pgCtl("-o", options, "-w", "start");
    },
    async destroy() {
      await pgCtl("-m", "immediate", "-w", "stop").catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
