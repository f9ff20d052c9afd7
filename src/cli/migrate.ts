// npm run db:migrate: applies the committed migrations to DATABASE_URL, or to the embedded database.
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";
import { migrate } from "../db/migrate.js";

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await migrate(database);
await database.close();
console.log(`migrations applied (${database.kind})`);
