// npm run import -- FILE [--as NAME]: loads a facts file (the shape of src/data/reference-facts.json)
// through the same domain layer as the API, one transaction per record. Exit codes: 0 all added or
// already present, 1 some records rejected, 2 the file could not be read or is not a facts file.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { loadConfig } from "../config.js";
import { ValidationError } from "../facts/errors.js";
import { checkFactsFile, type FactsFile, type ImportSummary, importFacts, KINDS } from "../facts/import.js";
import { openForCli } from "./open.js";

const USAGE = "usage: npm run import -- FILE [--as NAME]   (NAME is recorded as the actor in the audit log)";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function readFacts(path: string): FactsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    fail(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return checkFactsFile(value);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    fail(
      `${path} is not a facts file:\n${error.fields.map((f) => `  ${f.path.join(".") || "(file)"}: ${f.message}`).join("\n")}`,
    );
  }
}

function printSummary(summary: ImportSummary): void {
  console.log(`${"".padEnd(15)} ${"added".padStart(7)} ${"duplicate".padStart(10)} ${"rejected".padStart(9)}`);
  for (const kind of KINDS) {
    const s = summary[kind];
    console.log(
      `${kind.padEnd(15)} ${String(s.added).padStart(7)} ${String(s.duplicate).padStart(10)} ${String(s.rejected).padStart(9)}`,
    );
  }
  for (const r of summary.rejected) console.log(`rejected ${r.kind} ${r.key}: ${r.reason}`);
}

let parsed: ReturnType<typeof parseArgs<{ options: { as: { type: "string" } }; allowPositionals: true }>>;
try {
  parsed = parseArgs({ options: { as: { type: "string" } }, allowPositionals: true });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const [path, ...extra] = parsed.positionals;
if (!path || extra.length > 0) fail(USAGE);
const actor = parsed.values.as ?? `import:${basename(path)}`;
const facts = readFacts(path);

const config = loadConfig();
const database = await openForCli(config, 2);
try {
  const bar = process.stdout.isTTY
    ? new cliProgress.SingleBar(
        { format: "importing [{bar}] {value}/{total} {kind}", stream: process.stdout, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(
    KINDS.reduce((n, k) => n + (facts[k]?.length ?? 0), 0),
    0,
    { kind: "" },
  );
  const summary = await importFacts(database.db, facts, actor, (outcome, done) =>
    bar?.update(done, { kind: outcome.kind }),
  );
  bar?.stop();
  printSummary(summary);
  process.exitCode = summary.rejected.length > 0 ? 1 : 0;
} finally {
  await database.close();
}
