// Durable commits for the embedded database (DB_DURABILITY=fsync). PGlite runs PostgreSQL with
// fsync off (-F), and its NodeFS mounts the data folder through Emscripten's NODEFS, whose
// fsync does nothing: a commit is acknowledged once its WAL reaches the OS page cache, so an
// OS crash or power loss can lose it. This NodeFS gives NODEFS a real fsync, and PostgreSQL is
// started with fsync on and wal_sync_method=fsync (Emscripten's fdatasync is a no-op; its
// fsync goes through the filesystem's stream operations), so each commit waits for the disk.
import { fsyncSync } from "node:fs";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

type NodeStream = { nfd?: number };
type EmscriptenModule = { NODEFS?: { stream_ops?: { fsync?: (stream: NodeStream) => number } } };
type InitOptions = Parameters<NodeFS["init"]>[1];

class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: InitOptions) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const preRun = [emscriptenOpts.preRun ?? []].flat() as ((mod: EmscriptenModule) => void)[];
    const giveFsync = (mod: EmscriptenModule) => {
      const ops = mod.NODEFS?.stream_ops;
      if (!ops) throw new Error("PGlite's NODEFS has no stream operations to make durable");
      // A failed fsync throws: PostgreSQL must not go on as if the data were safe.
      ops.fsync = (stream) => {
        if (stream.nfd !== undefined) fsyncSync(stream.nfd);
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...preRun, giveFsync] as never } };
  }
}

/** PGlite options that make each commit durable before it is acknowledged. */
export function durableOptions(dataDir: string): Pick<PGliteOptions, "fs" | "startParams"> {
  return {
    fs: new DurableNodeFS(dataDir),
    startParams: [
      ...PGlite.defaultStartParams.filter((param) => param !== "-F"),
      "-c",
      "fsync=on",
      "-c",
      "wal_sync_method=fsync",
    ],
  };
}
