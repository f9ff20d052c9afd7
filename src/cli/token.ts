// npm run token -- create NAME | list | revoke NAME [--url URL [--token TOKEN]]: admin API keys.
// The token is printed once, alone on stdout (so `TOKEN=$(npm run -s token -- create ci)`
// works); only its hash is stored. With --url the running service does the job (its API's
// createApiKey, apiKeys, revokeApiKey), which is the only way while it holds an embedded
// database. Exit codes: 0 done, 1 refused (bad or taken name, unknown key), 2 usage, or the
// database or service could not be used.
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { checkKeyName, createKey, KeyError, type KeyInfo, listKeys, revokeKey } from "../keys.js";
import { CliExit, type CliIo, exitCode, line, runMain } from "./io.js";
import { openForCli } from "./open.js";
import { messages, type Remote, RemoteError, remote, TOKEN_HELP } from "./remote.js";

const USAGE = `usage: npm run token -- create NAME   mint a key; the token is printed once
       npm run token -- list          list keys (names and dates, never tokens)
       npm run token -- revoke NAME   refuse the key from now on
options: --url http://HOST:PORT/graphql   do it through the running service (${TOKEN_HELP})
         --token TOKEN                    an admin token for --url`;

const usage = () => new CliExit(2, USAGE);

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

type Command = { command: "create" | "revoke" | "list"; name: string };

async function run(keys: Keys, { command, name }: Command, io: CliIo): Promise<void> {
  if (command === "create") {
    const key = await keys.create(name);
    line(io.stderr, `Created key "${key.name}". Its token follows; it is shown only this once:`);
    line(io.stdout, key.token);
  } else if (command === "revoke") {
    const key = await keys.revoke(name);
    line(io.stderr, `Revoked key "${key.name}" at ${key.revokedAt?.toISOString()}.`);
  } else {
    const list = await keys.list();
    if (list.length === 0) line(io.stderr, "No keys yet: npm run token -- create NAME");
    for (const key of list) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
      line(io.stdout, `${key.name.padEnd(24)} created ${key.createdAt.toISOString()}  ${state}`);
    }
  }
}

async function token(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ options: { url: { type: "string" }; token: { type: "string" } }; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      args: argv,
      options: { url: { type: "string" }, token: { type: "string" } },
      allowPositionals: true,
    });
  } catch {
    throw usage();
  }
  const [command, name, ...extra] = parsed.positionals;
  const needsName = command === "create" || command === "revoke";
  if (!(needsName || command === "list") || (needsName && !name) || (!needsName && name) || extra.length > 0) {
    throw usage();
  }
  if (parsed.values.token && !parsed.values.url) throw usage();
  const job: Command = { command, name: name ?? "" };

  // A bad name is refused before the database or the service is asked.
  if (command === "create") {
    try {
      checkKeyName(job.name);
    } catch (error) {
      throw new CliExit(1, (error as Error).message);
    }
  }

  const config = loadConfig(io.env);
  try {
    if (parsed.values.url) {
      await run(throughService(remote(parsed.values.url, parsed.values.token ?? config.clientToken)), job, io);
    } else {
      const database = await openForCli(config, 1);
      try {
        const { db } = database;
        const keys: Keys = {
          create: (n) => createKey(db, n),
          revoke: (n) => revokeKey(db, n),
          list: () => listKeys(db),
        };
        await run(keys, job, io);
      } finally {
        await database.close();
      }
    }
  } catch (error) {
    if (error instanceof KeyError) throw new CliExit(1, error.message);
    if (error instanceof RemoteError) throw new CliExit(2, error.message);
    throw error;
  }
  return 0;
}

/** `npm run token -- …` with these arguments, environment and streams; resolves to its exit code. */
export function runTokenCli(argv: string[], io: CliIo): Promise<number> {
  return exitCode(io, () => token(argv, io));
}

if (import.meta.main) await runMain(runTokenCli);
