// npm run db:migrate: applies the committed migrations to DATABASE_URL, or to the embedded database.
import { loadConfig } from "../config.js";
import { line, runMain } from "./io.js";
import { openForCli } from "./open.js";

await runMain(async (_argv, io) => {
  const database = await openForCli(loadConfig(io.env));
  await database.close();
  line(io.stdout, `migrations applied (${database.kind})`);
  return 0;
});
