// npm run import -- FILE [--as NAME | --url URL [--token TOKEN]]: loads a facts file (the shape of
// src/data/reference-facts.json) through the same domain layer as the API, one transaction per
// record; with --url, through a running service's mutations (the way while it holds an embedded
// database). Exit codes: 0 all added or already present, 1 some records rejected, 2 the file could
// not be read or is not a facts file, or the database or service could not be used.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { loadConfig } from "../config.js";
import { ValidationError } from "../facts/errors.js";
import {
  checkFactsFile,
  type FactsFile,
  type ImportSummary,
  importFacts,
  importRecords,
  KINDS,
  type Outcome,
} from "../facts/import.js";
import { CliExit, type CliIo, exitCode, line, runMain } from "./io.js";
import { openForCli } from "./open.js";
import { messages, RemoteError, remote, TOKEN_HELP } from "./remote.js";
import { serviceWriter } from "./remote-import.js";

const USAGE = `usage: npm run import -- FILE [--as NAME]   NAME is recorded as the actor in the audit log
       npm run import -- FILE --url http://HOST:PORT/graphql [--token TOKEN]
                                  through the running service (${TOKEN_HELP})`;

const fail = (message: string) => new CliExit(2, message);

function readFacts(path: string): FactsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw fail(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw fail(`${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return checkFactsFile(value);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw fail(
      `${path} is not a facts file:\n${error.fields.map((f) => `  ${f.path.join(".") || "(file)"}: ${f.message}`).join("\n")}`,
    );
  }
}

const total = (file: FactsFile) => KINDS.reduce((n, k) => n + (file[k]?.length ?? 0), 0);

function printSummary(summary: ImportSummary, out: NodeJS.WritableStream): void {
  line(out, `${"".padEnd(15)} ${"added".padStart(7)} ${"duplicate".padStart(10)} ${"rejected".padStart(9)}`);
  for (const kind of KINDS) {
    const s = summary[kind];
    line(
      out,
      `${kind.padEnd(15)} ${String(s.added).padStart(7)} ${String(s.duplicate).padStart(10)} ${String(s.rejected).padStart(9)}`,
    );
  }
  for (const r of summary.rejected) line(out, `rejected ${r.kind} ${r.key}: ${r.reason}`);
}

type Options = { as: { type: "string" }; url: { type: "string" }; token: { type: "string" } };

async function importCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: Options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { as: { type: "string" }, url: { type: "string" }, token: { type: "string" } },
      allowPositionals: true,
    });
  } catch (error) {
    throw fail(`${(error as Error).message}\n${USAGE}`);
  }
  const [path, ...extra] = parsed.positionals;
  if (!path || extra.length > 0) throw fail(USAGE);
  const { url, token } = parsed.values;
  if (url && parsed.values.as) {
    throw fail(`--as is for a local import; through the service, the key's name is the actor.\n${USAGE}`);
  }
  if (token && !url) throw fail(USAGE);
  const actor = parsed.values.as ?? `import:${basename(path)}`;
  const facts = readFacts(path);

  const config = loadConfig(io.env);
  const bar = io.stdout.isTTY
    ? new cliProgress.SingleBar(
        { format: "importing [{bar}] {value}/{total} {kind}", stream: io.stdout, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const onRecord = (outcome: Outcome, done: number) => bar?.update(done, { kind: outcome.kind });

  async function importLocally(): Promise<ImportSummary> {
    const database = await openForCli(config, 2);
    try {
      bar?.start(total(facts), 0, { kind: "" });
      return await importFacts(database.db, facts, actor, onRecord);
    } finally {
      await database.close();
    }
  }

  async function importThroughService(serviceUrl: string): Promise<ImportSummary> {
    const call = remote(serviceUrl, token ?? config.clientToken);
    // Ask once before the first record, so that a wrong URL or token is one clear message.
    const probe = await call<{ apiKeys?: unknown }>("{ apiKeys { name } }");
    if (!probe.data?.apiKeys) throw new RemoteError(`The service at ${serviceUrl} refused: ${messages(probe)}`);
    bar?.start(total(facts), 0, { kind: "" });
    return importRecords(serviceWriter(call), facts, onRecord);
  }

  try {
    const summary = url ? await importThroughService(url) : await importLocally();
    bar?.stop();
    printSummary(summary, io.stdout);
    return summary.rejected.length > 0 ? 1 : 0;
  } catch (error) {
    bar?.stop();
    if (!(error instanceof RemoteError)) throw error;
    throw fail(error.message);
  }
}

/** `npm run import -- …` with these arguments, environment and streams; resolves to its exit code. */
export function runImportCli(argv: string[], io: CliIo): Promise<number> {
  return exitCode(io, () => importCli(argv, io));
}

if (import.meta.main) await runMain(runImportCli);
