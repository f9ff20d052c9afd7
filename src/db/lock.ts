// One process per embedded data folder. PGlite has no server to arbitrate between processes:
// two of them on one folder each think they own the files, and the second one's writes (or the
// first one's, on the next restart) are lost or leave broken indexes. So whoever opens the folder
// first holds `exchange-graph.lock` in it until it closes; a second opener is refused before it
// touches anything, and a lock whose process is gone (kill -9, power loss) is taken over.

import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export const LOCK_FILE = "exchange-graph.lock";
/** Exit code of a process refused a data folder (as for any start-up error of the caller's making). */
export const LOCKED_EXIT_CODE = 2;

/** What the lock file says about its holder. */
export type LockHolder = { pid: number; host: string; started: string | null; command: string; url?: string };

export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const url = holder.url ?? "http://HOST:PORT/graphql";
    super(
      [
        `The embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.command}).`,
        "Only one process may open it at a time: a second one would lose writes and damage its indexes.",
        "While the service runs, do the job through it with an admin token (EXCHANGE_GRAPH_TOKEN):",
        `  npm run token -- create NAME --url ${url}`,
        `  npm run import -- FILE --url ${url}`,
        `or stop process ${holder.pid} first.`,
      ].join("\n"),
    );
  }
}

export type DataDirLock = {
  /** Adds what others should know about the holder (its URL once it listens). */
  describe(extra: Pick<LockHolder, "url">): void;
  release(): void;
};

/**
 * When the process started, from /proc (Linux): with the pid it tells a live holder from a new
 * process that got the same pid after a restart (in a container the pids repeat). null elsewhere.
 */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime) counts from the end of "(comm)", which may itself hold spaces.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // another machine's process cannot be checked
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const started = startTime(holder.pid);
  return holder.started === null || started === null || started === holder.started;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    if (typeof holder.pid === "number") return holder;
  } catch {}
  return undefined;
}

/**
 * Takes the data folder's lock, or throws DataDirLockedError naming the holder. The lock file
 * appears whole or not at all: written under a private name, then hard-linked into place
 * (link() fails when the name exists).
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const own = `${path}.${process.pid}`;
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: startTime(process.pid),
    command: process.argv
      .slice(1)
      .map((arg) => arg.replace(/^.*\/(src|dist|node_modules)\//, "$1/"))
      .join(" "),
  };
  writeFileSync(own, JSON.stringify(holder));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(own, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 3) throw error;
      }
      const current = readHolder(path);
      // Lock files appear whole, so one that cannot be read is garbage (a power loss): take it over.
      if (current && isAlive(current)) throw new DataDirLockedError(dataDir, current);
      takeOverStale(path, current);
    }
  } finally {
    unlinkSync(own);
  }
  let released = false;
  const onExit = () => release();
  function release() {
    if (released) return;
    released = true;
    process.off("exit", onExit);
    try {
      if (readHolder(path)?.pid === process.pid) unlinkSync(path);
    } catch {}
  }
  // A process that exits without closing (an uncaught error, process.exit) still lets go.
  process.on("exit", onExit);
  return {
    describe(extra) {
      Object.assign(holder, extra);
      // rename() replaces the file in one step: readers see the old or the new text.
      writeFileSync(own, JSON.stringify(holder));
      renameSync(own, path);
    },
    release,
  };
}

/**
 * Removes a dead holder's lock. Two openers may find the same stale lock: each moves it aside
 * under its own name first, and puts back what it moved if that turns out to be the other's
 * fresh lock, so neither deletes a live one.
 */
function takeOverStale(path: string, stale: LockHolder | undefined): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved && moved.pid !== stale?.pid && isAlive(moved)) {
    try {
      linkSync(aside, path);
    } catch {}
  }
  unlinkSync(aside);
}
