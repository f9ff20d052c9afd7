// npm run db:migrate: applies the committed migrations to DATABASE_URL, or to the embedded database.
import { loadConfig } from "../config.js";
import { openForCli } from "./open.js";

const config = loadConfig();
const database = await openForCli(config);
await database.close();
console.log(`migrations applied (${database.kind})`);
