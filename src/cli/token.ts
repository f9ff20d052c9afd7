// npm run token -- create NAME | list | revoke NAME: admin API keys. The token is printed once,
// alone on stdout (so `TOKEN=$(npm run -s token -- create ci)` works); only its hash is stored.
import { loadConfig } from "../config.js";
import { checkKeyName, createKey, KeyError, listKeys, revokeKey } from "../keys.js";
import { openForCli } from "./open.js";

const USAGE = `usage: npm run token -- create NAME   mint a key; the token is printed once
       npm run token -- list          list keys (names and dates, never tokens)
       npm run token -- revoke NAME   refuse the key from now on`;

const [command, name, ...extra] = process.argv.slice(2);
const needsName = command === "create" || command === "revoke";
if (!(needsName || command === "list") || (needsName && !name) || (!needsName && name) || extra.length > 0) {
  console.error(USAGE);
  process.exit(2);
}

// A bad name is refused before the database is opened.
if (command === "create") {
  try {
    checkKeyName(name as string);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

const config = loadConfig();
const database = await openForCli(config, 1);
try {
  const { db } = database;
  if (command === "create") {
    const key = await createKey(db, name as string);
    console.error(`Created key "${key.name}". Its token follows; it is shown only this once:`);
    console.log(key.token);
  } else if (command === "revoke") {
    const key = await revokeKey(db, name as string);
    console.error(`Revoked key "${key.name}" at ${key.revokedAt?.toISOString()}.`);
  } else {
    const keys = await listKeys(db);
    if (keys.length === 0) console.error("No keys yet: npm run token -- create NAME");
    for (const key of keys) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
      console.log(`${key.name.padEnd(24)} created ${key.createdAt.toISOString()}  ${state}`);
    }
  }
} catch (error) {
  if (!(error instanceof KeyError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await database.close();
}
