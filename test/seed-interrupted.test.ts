// Loading the reference facts is all or nothing: a first start killed (kill -9) at any moment
// of its loading leaves a database that the next start completes, table for table as a clean
// first start leaves it, and the log says what happened.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { Database } from "../src/db/client.js";
import { rowsOf } from "../src/db/rows.js";
import { importFacts } from "../src/facts/import.js";
import { REFERENCE_ACTOR, readReferenceFacts } from "../src/facts/seed.js";
import { openServiceDatabase } from "../src/startup.js";
import { createTestDatabase, onPostgres } from "./support/database.js";

const TABLES = [
  "source",
  "person",
  "person_source",
  "exchange_event",
  "exchange_event_source",
  "sentence",
  "sentence_source",
  "release",
  "release_source",
  "statement",
  "statement_subject",
  "statement_source",
  "feed_event",
  "fact_version",
  "audit",
];

async function counts(database: Database): Promise<Record<string, number>> {
  const selects = TABLES.map((t) => sql`select ${t} as t, count(*)::int as n from ${sql.identifier(t)}`);
  const rows = rowsOf<{ t: string; n: number }>(await database.db.execute(sql.join(selects, sql` union all `)));
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

/** A database nobody has started on yet: a PGlite folder, or a new PostgreSQL database. */
type Fresh = { env: Record<string, string>; drop(): Promise<void> };
const cleanups: (() => Promise<void>)[] = [];
async function fresh(): Promise<Fresh> {
  if (onPostgres) {
    const testDb = await createTestDatabase();
    // createTestDatabase migrated it; a first start finds it empty all the same.
    await testDb.database.close();
    const drop = () => testDb.drop().catch(() => {});
    cleanups.push(drop);
    return { env: { DATABASE_URL: testDb.url as string }, drop };
  }
  const dir = mkdtempSync(join(tmpdir(), "eg-seed-"));
  const drop = async () => rmSync(dir, { recursive: true, force: true });
  cleanups.push(drop);
  return { env: { DATA_DIR: dir }, drop };
}
afterAll(async () => {
  for (const drop of cleanups) await drop();
});

/** What a complete load leaves, row for row, worked out from the reference file itself. */
function expectedCounts(): Record<string, number> {
  const facts = readReferenceFacts() as Record<string, Record<string, unknown>[]>;
  const n = (kind: string) => facts[kind]?.length ?? 0;
  const links = (kind: string, field: string) =>
    (facts[kind] ?? []).reduce((sum, rec) => sum + new Set((rec[field] as unknown[] | undefined) ?? []).size, 0);
  const records = Object.values(facts).reduce((sum, list) => sum + list.length, 0);
  return {
    source: n("sources"),
    person: n("persons"),
    person_source: links("persons", "sourceKeys"),
    exchange_event: n("exchangeEvents"),
    exchange_event_source: links("exchangeEvents", "sourceKeys"),
    sentence: n("sentences"),
    sentence_source: links("sentences", "sourceKeys"),
    release: n("releases"),
    release_source: links("releases", "sourceKeys"),
    statement: n("statements"),
    statement_subject: links("statements", "subjectKeys"),
    statement_source: links("statements", "sourceKeys"),
    // Every fact added is one feed event, one first version and one audit row.
    feed_event: records,
    fact_version: records,
    audit: records,
  };
}

const PROGRESS = "loading the built-in reference facts";

describe("an interrupted first start", { timeout: 600_000 }, () => {
  const expected = expectedCounts();

  // Early, halfway and late in the load, by the records it reports done (the report may lag).
  for (const after of [25, 125, 200]) {
    it(`is completed by the next start when killed ${after} records into the load`, async () => {
      const target = await fresh();
      const killed = await killDuring({ ...target.env, SEED: "true", LOG_LEVEL: "debug" }, (line) => {
        const done = /"done":(\d+)/.exec(line);
        return line.includes(PROGRESS) && Number(done?.[1]) >= after;
      });
      expect(killed.some((line) => line.includes(PROGRESS))).toBe(true);

      const logged: string[] = [];
      const log = pino(
        { level: "info" },
        new Writable({
          write(chunk, _encoding, done) {
            logged.push(String(chunk));
            done();
          },
        }),
      );
      const database = await openServiceDatabase(loadConfig({ ...target.env, SEED: "true" }), log);
      try {
        expect(await counts(database)).toEqual(expected);
        // The restart had to load them: the kill came before the load committed.
        expect(logged.join("")).toMatch(/loaded the built-in reference facts|completed them/);
      } finally {
        await database.close();
      }
      await target.drop();
    });
  }
});

describe("a database an older version left half-loaded", { timeout: 300_000 }, () => {
  it("is completed at the next start, and the log says so", async () => {
    const target = await fresh();
    const config = loadConfig({ ...target.env, SEED: "false" });
    const partial = await openServiceDatabase(config, pino({ level: "silent" }));
    const { sources = [] } = readReferenceFacts();
    await importFacts(partial.db, { sources: sources.slice(0, 30) }, REFERENCE_ACTOR);
    await partial.close();

    const logged: string[] = [];
    const log = pino(
      { level: "info" },
      new Writable({ write: (chunk, _encoding, done) => done(void logged.push(String(chunk))) }),
    );
    const database = await openServiceDatabase(loadConfig({ ...target.env, SEED: "true" }), log);
    try {
      expect(await counts(database)).toEqual(expectedCounts());
      expect(logged.join("")).toContain('"found":30');
      expect(logged.join("")).toContain("completed them");
    } finally {
      await database.close();
    }
  });
});

/** Starts the service and kills it (kill -9) at the first log line `when` picks; its lines. */
async function killDuring(env: Record<string, string>, when: (line: string) => boolean): Promise<string[]> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let pending = "";
  const onData = (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const text of parts) {
      lines.push(text);
      if (when(text)) child.kill("SIGKILL");
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  // A start that never reaches the moment is killed too, and fails the test's checks.
  const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
  await exited;
  clearTimeout(timer);
  return lines;
}
