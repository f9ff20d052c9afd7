// npm run db:seed: loads the built-in reference facts; running it again adds nothing.
import { loadConfig } from "../config.js";
import { KINDS } from "../facts/import.js";
import { seed } from "../facts/seed.js";
import { line, runMain } from "./io.js";
import { openForCli } from "./open.js";

await runMain(async (_argv, io) => {
  const database = await openForCli(loadConfig(io.env));
  const summary = await seed(database.db);
  await database.close();
  for (const kind of KINDS) {
    const s = summary[kind];
    line(io.stdout, `${kind.padEnd(15)} added ${s.added}, already present ${s.duplicate}, rejected ${s.rejected}`);
  }
  for (const r of summary.rejected) line(io.stdout, `rejected ${r.kind} ${r.key}: ${r.reason}`);
  return summary.rejected.length > 0 ? 1 : 0;
});
