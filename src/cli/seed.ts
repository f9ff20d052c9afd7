// npm run db:seed: loads the built-in reference facts; running it again adds nothing.
import { loadConfig } from "../config.js";
import { KINDS } from "../facts/import.js";
import { seed } from "../facts/seed.js";
import { openForCli } from "./open.js";

const config = loadConfig();
const database = await openForCli(config);
const summary = await seed(database.db);
await database.close();
for (const kind of KINDS) {
  const s = summary[kind];
  console.log(`${kind.padEnd(15)} added ${s.added}, already present ${s.duplicate}, rejected ${s.rejected}`);
}
for (const r of summary.rejected) console.log(`rejected ${r.kind} ${r.key}: ${r.reason}`);
process.exitCode = summary.rejected.length > 0 ? 1 : 0;
