// `npm run token -- create|list|revoke`: the token is printed once, only its hash is stored, a
// minted key can write (and is named in the audit log) until it is revoked, then it is refused.
// The CLI runs in this process; `npm run` itself (a child) where its real stdout and exit code count.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../src/db/rows.js";
import { MUTATIONS } from "./support/admin.js";
import { type CliDatabase, cliDatabase, runInProcess, runNpm, serve } from "./support/cli.js";

let db: CliDatabase;
beforeAll(async () => {
  db = await cliDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const token = (...args: string[]) => runInProcess("token", args, db.env);
const addSource = (title: string) => ({ input: { publisher: "Token Test Wire", title } });

// Child processes are slow on a loaded machine (npm and tsx start, PGlite open): allow them time.
describe("npm run token", { timeout: 120_000 }, () => {
  let minted: string;

  it("create prints a new token once, alone on stdout, and stores only its hash", async () => {
    // As documented: TOKEN=$(npm run -s token -- create ci-bot)
    const created = await runNpm("token", ["create", "ci-bot"], db.env);
    expect(created.code).toBe(0);
    minted = created.stdout.trim();
    expect(minted).toMatch(/^egk_[A-Za-z0-9_-]{43}$/);
    expect(created.stdout).toBe(`${minted}\n`);
    expect(created.stderr).toMatch(/shown only this once/);

    const database = await db.open();
    try {
      const rows = rowsOf<{ name: string; row: string; token_hash: string }>(
        await database.db.execute(sql`select name, token_hash, api_key::text as row from api_key`),
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.token_hash).toBe(createHash("sha256").update(minted).digest("hex"));
      expect(rows[0]?.row).not.toContain(minted);
    } finally {
      await database.close();
    }
  });

  it("refuses a second key of the same name, a malformed name and a reserved one", async () => {
    // Only the first opens the database (PGlite serves one process at a time); bad names and a
    // missing name are refused before that, so they run side by side. One goes through npm.
    const names = ["ci-bot", "bad name!", "ADMIN_TOKEN"];
    const [usage, ...results] = await Promise.all([
      token("create"),
      token("create", "ci-bot"),
      runNpm("token", ["create", "bad name!"], db.env),
      token("create", "ADMIN_TOKEN"),
    ]);
    for (const [i, result] of results.entries()) {
      expect(result?.code, names[i]).toBe(1);
      expect(result?.stdout, names[i]).toBe("");
      expect(result?.stderr, names[i]).toMatch([/exists already/, /key name is/, /reserved/][i] as RegExp);
    }
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage/);
  });

  it("lists keys by name and state, never the token", async () => {
    const list = await token("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ci-bot\s+created \S+\s+active$/m);
    expect(list.stdout).not.toContain(minted);
  });

  it("a minted key writes, and the audit log names it", async () => {
    const server = await serve(await db.open());
    try {
      const added = await server.gql(MUTATIONS.addSource, addSource("by ci-bot"), `Bearer ${minted}`);
      expect(added.data?.result.__typename).toBe("Source");
      const log = await server.gql(
        `{ auditLog(first: 5) { nodes { actor action entityId } } }`,
        {},
        `Bearer ${minted}`,
      );
      expect(log.data?.auditLog.nodes[0]).toEqual({
        actor: "ci-bot",
        action: "addSource",
        entityId: added.data?.result.id,
      });
    } finally {
      await server.close();
    }
  });

  it("revoke refuses the key from then on; revoking twice or an unknown name fails", async () => {
    const revoked = await token("revoke", "ci-bot");
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toMatch(/Revoked key "ci-bot"/);
    expect((await token("revoke", "ci-bot")).stderr).toMatch(/revoked already/);
    const unknown = await token("revoke", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No key is named "nobody"/);
    expect((await token("list")).stdout).toMatch(/^ci-bot\s+created \S+\s+revoked \S+$/m);

    const server = await serve(await db.open());
    try {
      const refused = await server.gql(MUTATIONS.addSource, addSource("after revocation"), `Bearer ${minted}`);
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(refused.data?.result ?? null).toBeNull();
      const stats = await server.gql(`{ stats { sources } }`);
      expect(stats.data?.stats.sources).toBe(1);
    } finally {
      await server.close();
    }
  });
});
