// npm run token -- create NAME | list | revoke NAME [--url URL [--token TOKEN]]: admin API keys.
// The token is printed once, alone on stdout (so `TOKEN=$(npm run -s token -- create ci)`
// works); only its hash is stored. With --url the running service does the job (its API's
// createApiKey, apiKeys, revokeApiKey), which is the only way while it holds an embedded
// database. Exit codes: 0 done, 1 refused (bad or taken name, unknown key), 2 usage, or the
// database or service could not be used.
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { checkKeyName, createKey, KeyError, type KeyInfo, listKeys, revokeKey } from "../keys.js";
import { openForCli } from "./open.js";
import { messages, type Remote, RemoteError, remote, TOKEN_HELP } from "./remote.js";

const USAGE = `usage: npm run token -- create NAME   mint a key; the token is printed once
       npm run token -- list          list keys (names and dates, never tokens)
       npm run token -- revoke NAME   refuse the key from now on
options: --url http://HOST:PORT/graphql   do it through the running service (${TOKEN_HELP})
         --token TOKEN                    an admin token for --url`;

function usage(): never {
  console.error(USAGE);
  process.exit(2);
}

let parsed: ReturnType<
  typeof parseArgs<{ options: { url: { type: "string" }; token: { type: "string" } }; allowPositionals: true }>
>;
try {
  parsed = parseArgs({ options: { url: { type: "string" }, token: { type: "string" } }, allowPositionals: true });
} catch {
  usage();
}
const [command, name, ...extra] = parsed.positionals;
const needsName = command === "create" || command === "revoke";
if (!(needsName || command === "list") || (needsName && !name) || (!needsName && name) || extra.length > 0) usage();
if (parsed.values.token && !parsed.values.url) usage();

// A bad name is refused before the database or the service is asked.
if (command === "create") {
  try {
    checkKeyName(name as string);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

type Keys = {
  create(name: string): Promise<KeyInfo & { token: string }>;
  revoke(name: string): Promise<KeyInfo>;
  list(): Promise<KeyInfo[]>;
};

const KEY_FIELDS = "name createdAt revokedAt";
const ERROR_FIELDS = "__typename ... on Error { message }";

/** The service's answer as local results: a refusal it explains is a KeyError, as it is locally. */
function throughService(call: Remote): Keys {
  const keyOf = (key: { name: string; createdAt: string; revokedAt: string | null }): KeyInfo => ({
    name: key.name,
    createdAt: new Date(key.createdAt),
    revokedAt: key.revokedAt ? new Date(key.revokedAt) : null,
  });
  async function mutate<T>(field: string, selection: string, keyName: string): Promise<T> {
    const result = await call<Record<string, T & { __typename: string; message?: string }>>(
      `mutation ($name: String!) { result: ${field}(name: $name) { ${ERROR_FIELDS} ${selection} } }`,
      { name: keyName },
    );
    const answer = result.data?.result;
    if (!answer) throw new RemoteError(`The service did not ${field}: ${messages(result)}`);
    if (answer.message !== undefined && answer.__typename.endsWith("Error"))
      throw new KeyError(answer.message, "invalid");
    return answer;
  }
  return {
    create: async (keyName) => {
      const created = await mutate<{ token: string; key: Parameters<typeof keyOf>[0] }>(
        "createApiKey",
        `... on CreatedApiKey { token key { ${KEY_FIELDS} } }`,
        keyName,
      );
      return { ...keyOf(created.key), token: created.token };
    },
    revoke: async (keyName) => keyOf(await mutate("revokeApiKey", `... on ApiKey { ${KEY_FIELDS} }`, keyName)),
    list: async () => {
      const result = await call<{ apiKeys: Parameters<typeof keyOf>[0][] }>(`{ apiKeys { ${KEY_FIELDS} } }`);
      if (!result.data?.apiKeys) throw new RemoteError(`The service did not list the keys: ${messages(result)}`);
      return result.data.apiKeys.map(keyOf);
    },
  };
}

async function run(keys: Keys): Promise<void> {
  if (command === "create") {
    const key = await keys.create(name as string);
    console.error(`Created key "${key.name}". Its token follows; it is shown only this once:`);
    console.log(key.token);
  } else if (command === "revoke") {
    const key = await keys.revoke(name as string);
    console.error(`Revoked key "${key.name}" at ${key.revokedAt?.toISOString()}.`);
  } else {
    const list = await keys.list();
    if (list.length === 0) console.error("No keys yet: npm run token -- create NAME");
    for (const key of list) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
      console.log(`${key.name.padEnd(24)} created ${key.createdAt.toISOString()}  ${state}`);
    }
  }
}

const config = loadConfig();
try {
  if (parsed.values.url) {
    await run(throughService(remote(parsed.values.url, parsed.values.token ?? config.clientToken)));
  } else {
    const database = await openForCli(config, 1);
    try {
      const { db } = database;
      await run({ create: (n) => createKey(db, n), revoke: (n) => revokeKey(db, n), list: () => listKeys(db) });
    } finally {
      await database.close();
    }
  }
} catch (error) {
  if (error instanceof KeyError) {
    console.error(error.message);
    process.exitCode = 1;
  } else if (error instanceof RemoteError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
