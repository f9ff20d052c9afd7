// CPU time PostgreSQL spends serving the bench database, from /proc: the user and system time of
// the backends connected to that database (their process titles name it). Only when PostgreSQL
// runs on this machine and /proc shows its processes; otherwise there is no such figure.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { Target } from "./sql.js";

/** Clock ticks per second of /proc's CPU times (100 on every Linux this has run on). */
function ticksPerSecond(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * A clock of the CPU milliseconds the target database's backends have used, or undefined when it
 * cannot be read here (PGlite runs inside the server process; a remote server's processes are
 * not in /proc). A window in which it reads no time at all gives no figure either (compare in
 * load.ts): the backends were not visible. A backend that exits between two readings takes its time with it: the pools
 * under test keep their connections for the whole measured window.
 */
export function databaseCpuClock(target: Target): (() => number) | undefined {
  if (target.kind !== "postgres" || process.platform !== "linux") return undefined;
  const url = new URL(target.url);
  if (!["127.0.0.1", "localhost", "[::1]", ""].includes(url.hostname)) return undefined;
  const database = decodeURIComponent(url.pathname.slice(1));
  // A backend's title: "postgres: [<cluster name>: ]<user> <database> <client> <state>".
  const title = new RegExp(`^postgres: (?:[^:]+: )?\\S+ ${database.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `);
  const msPerTick = 1000 / ticksPerSecond();
  const clock = () => {
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      const cmdline = read(`/proc/${pid}/cmdline`);
      if (!cmdline || !title.test(cmdline)) continue;
      const stat = read(`/proc/${pid}/stat`);
      // Fields after the command name (which may hold spaces) start at the state, field 3.
      const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks * msPerTick;
  };
  return clock;
}
