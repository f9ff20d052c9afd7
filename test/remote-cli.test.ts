// `npm run token -- … --url` and `npm run import -- FILE --url`: the CLIs doing their jobs
// through a running service (here in this process) with an admin token, never opening the
// database themselves: the same output and exit codes as when they open it. The CLIs run in this
// process, but for the progress bar, which needs a terminal.
import { execFile, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MUTATIONS } from "./support/admin.js";
import { runInProcess } from "./support/cli.js";
import { ADMIN, asAdmin, retract } from "./support/corrections.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

const root = new URL("..", import.meta.url).pathname;
const hasScript = spawnSync("script", ["--version"]).status === 0;

let server: TestServer;
// No DATABASE_URL or DATA_DIR reaches the CLIs (they get `env` alone): only the service can help.
const env = { EXCHANGE_GRAPH_TOKEN: TEST_ADMIN_TOKEN };
beforeAll(async () => {
  server = await startServer({ seed: false });
});
afterAll(async () => {
  await server?.close();
});

const file = (name: string, content: unknown) => {
  const path = join(tmpdir(), `eg-remote-${process.pid}-${name}`);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe("the CLIs through a running service", { timeout: 180_000 }, () => {
  it("token: create, list and revoke over --url; the revocation holds at once", async () => {
    const token = (...args: string[]) => runInProcess("token", [...args, "--url", server.url], env);
    const created = await token("create", "remote-bot");
    expect(created.code).toBe(0);
    const minted = created.stdout.trim();
    expect(created.stdout).toMatch(/^egk_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toMatch(/shown only this once/);
    const write = (title: string) =>
      server.gql(
        MUTATIONS.addSource,
        { input: { publisher: "Remote Wire", title } },
        { authorization: `Bearer ${minted}` },
      );
    expect((await write("before")).data?.result.__typename).toBe("Source");

    const [listed, taken, revoked] = [
      await token("list"),
      await token("create", "remote-bot"),
      await token("revoke", "remote-bot"),
    ];
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^remote-bot\s+created \S+\s+active$/m);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/exists already/);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toMatch(/Revoked key "remote-bot" at /);
    expect((await write("after")).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const [unknown, wrongToken, noToken] = await Promise.all([
      token("revoke", "nobody"),
      runInProcess("token", ["list", "--url", server.url, "--token", "not-a-key"], {}),
      runInProcess("token", ["list", "--url", server.url], {}),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No key is named "nobody"/);
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toMatch(/refused: This token is not an admin token/);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/No admin token .*EXCHANGE_GRAPH_TOKEN/);
  });

  // The local import's test file (test/import.test.ts), plus a field no input has: ignored, as locally.
  const small = {
    sources: [{ key: "S1", publisher: "Import Wire", url: "https://example.org/remote", note: "not a field" }],
    persons: [
      { key: "p1", name: "Remotely Imported", nationalities: ["RU"], sourceKeys: ["S1"] },
      { key: "p2", name: "Bad Nationality", nationalities: ["Russia"] },
    ],
    sentences: [
      { key: "x1", personKey: "p1", country: "US", charge: "Something", kind: "LIFE", sourceKeys: ["S1"] },
      { key: "x2", personKey: "nobody", country: "US", charge: "Something", kind: "LIFE", sourceKeys: ["S1"] },
      { key: "x3", personKey: "p1", country: "US", charge: "Other", kind: "TERM", sourceKeys: ["S1"] },
      { key: "x4", personKey: "p1", country: "US", charge: "Typed", kind: "TERM", termMonths: "12", sourceKeys: [] },
    ],
  };

  it("import: the same report and exit codes as a local import, written by the key", async () => {
    const path = file("small.json", small);
    const run = await runInProcess("import", [path, "--url", server.url], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^sources\s+1\s+0\s+0$/m);
    expect(run.stdout).toMatch(/^persons\s+1\s+0\s+1$/m);
    expect(run.stdout).toMatch(/^sentences\s+1\s+0\s+3$/m);
    expect(run.stdout).toMatch(/^rejected persons p2: .*nationalities\.0: must be an ISO 3166-1 alpha-2 code/m);
    expect(run.stdout).toMatch(/^rejected sentences x2: personKey "nobody" names no record/m);
    expect(run.stdout).toMatch(/^rejected sentences x3: .*termMonths: is required when kind is TERM/m);
    expect(run.stdout).toMatch(/^rejected sentences x4: .*termMonths.*Int cannot represent/m);

    const again = await runInProcess("import", [path, "--url", server.url], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^sources\s+0\s+1\s+0$/m);
    expect(again.stdout).toMatch(/^persons\s+0\s+1\s+1$/m);
    expect(again.stdout).toMatch(/^sentences\s+0\s+1\s+3$/m);

    const audit = await server.gql(
      "{ auditLog(first: 3) { nodes { actor } } }",
      {},
      { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    );
    expect(new Set(audit.data?.auditLog.nodes.map((n: { actor: string }) => n.actor))).toEqual(
      new Set(["ADMIN_TOKEN"]),
    );

    const clean = await runInProcess(
      "import",
      [file("clean.json", { sources: [{ publisher: "Clean Wire" }] }), "--url", server.url],
      env,
    );
    expect(clean.code).toBe(0);
    const [refused, unreachable, withAs] = await Promise.all([
      runInProcess("import", [path, "--url", server.url, "--token", "not-a-key"], {}),
      runInProcess("import", [path, "--url", "http://127.0.0.1:1/graphql"], env),
      runInProcess("import", [path, "--url", server.url, "--as", "someone"], env),
    ]);
    for (const failed of [refused, unreachable, withAs]) {
      expect(failed.code).toBe(2);
      expect(failed.stdout).toBe("");
    }
    expect(refused.stderr).toMatch(/refused/);
    expect(unreachable.stderr).toMatch(/Cannot reach the service/);
    expect(withAs.stderr).toMatch(/--as is for a local import/);
  });

  it("import: running a file again brings back nothing retracted since; a client adding it again can", async () => {
    const facts = {
      sources: [{ key: "S", publisher: "Retraction Wire", url: "https://example.org/retracted-remote" }],
      persons: [{ key: "p", name: "Zygmunt Reimportowski", nationalities: ["PL"], sourceKeys: ["S"] }],
      sentences: [{ key: "s", personKey: "p", country: "BY", charge: "Espionage", kind: "LIFE", sourceKeys: ["S"] }],
      releases: [{ key: "r", personKey: "p", releasedOn: "2022-03-01", fromCountry: "BY", sourceKeys: ["S"] }],
      statements: [{ key: "t", speakerKey: "p", text: "I was never a spy.", saidOn: "2022-03-02", sourceKeys: ["S"] }],
    };
    const path = file("retracted.json", facts);
    const first = await runInProcess("import", [path, "--url", server.url], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    type Standing = {
      id: string;
      sources: { id: string }[];
      sentences: { id: string }[];
      releases: { id: string; releasedOn: string }[];
      statements: { nodes: { id: string }[] };
    };
    const standing = async () =>
      (
        await asAdmin<{ persons: { nodes: Standing[] } }>(
          server,
          `{ persons(first: 1, search: "Zygmunt Reimportowski") { nodes {
            id sources { id } sentences { id } releases { id releasedOn } statements(first: 5) { nodes { id } } } } }`,
        )
      ).persons.nodes[0] as Standing;
    const added = await standing();
    const [release, statement, sentence] = [
      added.releases[0]?.id,
      added.statements.nodes[0]?.id,
      added.sentences[0]?.id,
    ];
    expect([release, statement, sentence].every(Boolean)).toBe(true);
    for (const [type, id] of [
      ["Release", release],
      ["Statement", statement],
      ["Sentence", sentence],
    ] as const) {
      expect((await retract(server, type, { id: id as string })).__typename).toBe(type);
    }
    const none = { sentences: [], releases: [], statements: { nodes: [] } };
    expect(await standing()).toMatchObject(none);

    const again = await runInProcess("import", [path, "--url", server.url], env);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    for (const kind of ["sources", "persons", "sentences", "releases", "statements"]) {
      expect(again.stdout).toMatch(new RegExp(`^${kind}\\s+0\\s+1\\s+0$`, "m"));
    }
    expect(await standing()).toMatchObject(none);

    // The argument is the import's: an admin adding the same release again means to record it.
    const doc = (flag: string) => `mutation ($input: AddReleaseInput!) { result: addRelease(input: $input${flag}) {
      __typename ... on Node { id } ... on ConflictError { existingId message } } }`;
    const input = {
      personId: added.id,
      releasedOn: "2022-03-01",
      fromCountry: "BY",
      sourceIds: [added.sources[0]?.id],
    };
    const asDuplicate = await server.gql(doc(", retractedAreDuplicates: true"), { input }, { authorization: ADMIN });
    expect(asDuplicate.data?.result).toEqual({
      __typename: "ConflictError",
      existingId: release,
      message: "This person's release was recorded before and has been retracted since (its id is existingId).",
    });
    expect(await standing()).toMatchObject(none);
    const anew = await server.gql(doc(""), { input }, { authorization: ADMIN });
    expect(anew.data?.result.__typename).toBe("Release");
    expect(anew.data?.result.id).not.toBe(release);
    expect((await standing()).releases).toEqual([{ id: anew.data?.result.id, releasedOn: "2022-03-01" }]);
  });

  it.skipIf(!hasScript)("import: the progress bar on a terminal", async () => {
    const tiny = file("tiny.json", { sources: [{ publisher: "Bar Remote Wire" }, { publisher: "Bar Remote Post" }] });
    // Not execFileSync: the service runs in this process and must answer meanwhile.
    const { stdout: run } = await promisify(execFile)(
      "script",
      ["-qec", `${root}node_modules/.bin/tsx ${root}src/cli/import.ts ${tiny} --url ${server.url}`, "/dev/null"],
      { env: { PATH: process.env.PATH ?? "", ...env, LOG_LEVEL: "silent" }, encoding: "utf8", timeout: 60_000 },
    );
    expect(run).toMatch(/importing \[[^\]]+\] 2\/2 sources/);
    expect(run).toMatch(/sources\s+2\s+0\s+0/);
  });
});
