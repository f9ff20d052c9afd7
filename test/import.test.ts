// Importing the built-in data set file into an empty database reproduces it; importing it again
// adds nothing and reports every record as a duplicate. `npm run import` reports added /
// duplicate / rejected with reasons, and exits non-zero on a file it cannot use. The CLI runs in
// this process; `npm run` itself (a child) where its real exit code or a terminal counts.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/db/client.js";
import { rowsOf } from "../src/db/rows.js";
import { type ImportSummary, importFacts, KINDS } from "../src/facts/import.js";
import { readReferenceFacts } from "../src/facts/seed.js";
import { fingerprint } from "./support/admin.js";
import { type CliDatabase, cliDatabase, runInProcess, runNpm } from "./support/cli.js";
import { startServer, type TestServer } from "./support/server.js";

const root = new URL("..", import.meta.url).pathname;
const hasScript = spawnSync("script", ["--version"]).status === 0;
const facts = readReferenceFacts();
const count = (kind: (typeof KINDS)[number]) => facts[kind]?.length ?? 0;
const total = KINDS.reduce((n, kind) => n + count(kind), 0);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false });
});
afterAll(async () => {
  await server?.close();
});

/** Each release and statement as a comparable line, from the file or from the database. */
function fileFacts(): string[] {
  const exchangeSlug = new Map(facts.exchangeEvents?.map((e) => [e.key, e.slug]));
  const releases = (facts.releases ?? []).map(
    (r) =>
      `release ${r.personKey} ${r.releasedOn} ${r.fromCountry}>${r.toCountry ?? "-"} ${exchangeSlug.get(r.exchangeKey) ?? "-"}`,
  );
  const statements = (facts.statements ?? []).map(
    (s) => `statement ${s.speakerKey} ${s.saidOn} ${(s.subjectKeys as string[] | undefined)?.length ?? 0} ${s.text}`,
  );
  return [...releases, ...statements].sort();
}

async function databaseFacts(db: Db): Promise<string[]> {
  const result = await db.execute(sql`
    select 'release ' || p.slug || ' ' || r.released_on || ' ' || r.from_country || '>' || coalesce(r.to_country, '-')
           || ' ' || coalesce(e.slug, '-') as line
      from release r join person p on p.id = r.person_id left join exchange_event e on e.id = r.exchange_id
    union all
    select 'statement ' || p.slug || ' ' || s.said_on || ' '
           || (select count(*) from statement_subject ss where ss.statement_id = s.id) || ' ' || s.text
      from statement s join person p on p.id = s.speaker_id`);
  return rowsOf<{ line: string }>(result)
    .map((r) => r.line)
    .sort();
}

describe("importing the built-in data set", () => {
  let first: ImportSummary;

  it("into an empty database reproduces it: every record added, counts equal to stats", async () => {
    expect(await server.gql(`{ stats { persons sources } }`)).toMatchObject({
      data: { stats: { persons: 0, sources: 0 } },
    });
    const seen: number[] = [];
    first = await importFacts(server.database.db, facts, "import-test", (_outcome, done, all) => {
      expect(all).toBe(total);
      seen.push(done);
    });
    expect(seen).toHaveLength(total);
    expect(first.rejected).toEqual([]);
    for (const kind of KINDS) expect(first[kind]).toEqual({ added: count(kind), duplicate: 0, rejected: 0 });

    const stats = await server.gql(`{ stats { sources persons exchanges sentences releases statements } }`);
    expect(stats.data?.stats).toEqual({
      sources: count("sources"),
      persons: count("persons"),
      exchanges: count("exchangeEvents"),
      sentences: count("sentences"),
      releases: count("releases"),
      statements: count("statements"),
    });
    expect(await databaseFacts(server.database.db)).toEqual(fileFacts());
    const ankara = await server.gql(`{ exchangeEvent(slug: "2024-08-01-ankara") { releaseCount } }`);
    expect(ankara.data?.exchangeEvent.releaseCount).toBe(24);
  });

  it("again adds nothing and reports every record as a duplicate", async () => {
    const before = await fingerprint(server.database.db);
    const again = await importFacts(server.database.db, facts, "import-test");
    expect(again.rejected).toEqual([]);
    for (const kind of KINDS) expect(again[kind]).toEqual({ added: 0, duplicate: count(kind), rejected: 0 });
    expect(await fingerprint(server.database.db)).toBe(before);
  });
});

// Child processes are slow on a loaded machine (tsx start, PGlite open): allow them time.
describe("npm run import", { timeout: 120_000 }, () => {
  let db: CliDatabase;
  const dir = tmpdir();
  const file = (name: string, content: string) => {
    const path = join(dir, `eg-import-${process.pid}-${name}`);
    writeFileSync(path, content);
    return path;
  };
  beforeAll(async () => {
    db = await cliDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const small = {
    sources: [{ key: "S1", publisher: "Import Wire", url: "https://example.org/import" }],
    persons: [
      { key: "p1", name: "Imported Person", nationalities: ["RU"], sourceKeys: ["S1"] },
      { key: "p2", name: "Bad Nationality", nationalities: ["Russia"] },
    ],
    sentences: [
      { key: "x1", personKey: "p1", country: "US", charge: "Something", kind: "LIFE", sourceKeys: ["S1"] },
      { key: "x2", personKey: "nobody", country: "US", charge: "Something", kind: "LIFE", sourceKeys: ["S1"] },
      { key: "x3", personKey: "p1", country: "US", charge: "Other", kind: "TERM", sourceKeys: ["S1"] },
    ],
  };

  it("adds, skips duplicates and rejects with reasons; exit 1 when something was rejected", async () => {
    const path = file("small.json", JSON.stringify(small));
    const run = await runInProcess("import", [path, "--as", "import-cli"], db.env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/importing \[/); // no progress bar without a terminal
    expect(run.stdout).toMatch(/^sources\s+1\s+0\s+0$/m);
    expect(run.stdout).toMatch(/^persons\s+1\s+0\s+1$/m);
    expect(run.stdout).toMatch(/^sentences\s+1\s+0\s+2$/m);
    expect(run.stdout).toMatch(/^rejected persons p2: .*nationalities\.0: must be an ISO 3166-1 alpha-2 code/m);
    expect(run.stdout).toMatch(/^rejected sentences x2: personKey "nobody" names no record/m);
    expect(run.stdout).toMatch(/^rejected sentences x3: .*termMonths: is required when kind is TERM/m);

    const again = await runInProcess("import", [path], db.env);
    expect(again.stdout).toMatch(/^sources\s+0\s+1\s+0$/m);
    expect(again.stdout).toMatch(/^persons\s+0\s+1\s+1$/m);
    expect(again.stdout).toMatch(/^sentences\s+0\s+1\s+2$/m);

    const database = await db.open();
    try {
      const actors = rowsOf<{ actor: string; n: number }>(
        await database.db.execute(sql`select actor, count(*)::int as n from audit group by actor`),
      );
      expect(actors).toEqual([{ actor: "import-cli", n: 3 }]);
    } finally {
      await database.close();
    }
  });

  it("exits 2 with a message on a missing file, broken JSON or a file that is not a facts file", async () => {
    const cases: [string, RegExp][] = [
      [join(dir, "eg-import-does-not-exist.json"), /Cannot read .*ENOENT/],
      [file("broken.json", '{"sources": ['), /is not JSON/],
      [
        file("shape.json", JSON.stringify({ persons: {}, people: [] })),
        /persons: must be a list[\s\S]*people: is not a kind of fact/,
      ],
    ];
    // Each is refused before the database is opened, so they can run side by side; the first
    // through npm, for its real exit code.
    const [usage, ...runs] = await Promise.all([
      runInProcess("import", [], db.env),
      ...cases.map(([path], i) => (i === 0 ? runNpm : runInProcess)("import", [path], db.env)),
    ]);
    for (const [i, [path, message]] of cases.entries()) {
      expect(runs[i]?.code, path).toBe(2);
      expect(runs[i]?.stderr, path).toMatch(message);
      expect(runs[i]?.stdout, path).toBe("");
    }
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run import -- FILE/);
  });

  it.skipIf(!hasScript)("shows a progress bar on a terminal", () => {
    const tiny = file("tiny.json", JSON.stringify({ sources: [{ publisher: "Bar Wire" }, { publisher: "Bar Post" }] }));
    // `script` runs the CLI on a pseudo-terminal, so its stdout.isTTY is true.
    const run = execFileSync(
      "script",
      ["-qec", `${root}node_modules/.bin/tsx ${root}src/cli/import.ts ${tiny}`, "/dev/null"],
      {
        env: { ...process.env, ...db.env, LOG_LEVEL: "silent" },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(run).toMatch(/importing \[[^\]]+\] 2\/2 sources/);
    expect(run).toMatch(/sources\s+2\s+0\s+0/);
  });
});
