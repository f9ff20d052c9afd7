// What every scenario gets: options, the database target, the data set, progress output, and
// helpers to run our server or a floor in a child process for the span of one measurement.
import { encodeGlobalId } from "../src/graphql/global-id.js";
import { databaseCpuClock } from "./database-cpu.js";
import type { Dataset } from "./dataset.js";
import { type Child, type Memory, startChild } from "./ipc.js";
import type { Options } from "./options.js";
import type { ResultRow } from "./report.js";
import { type Target, targetEnv } from "./sql.js";

export const ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";

export type Bench = {
  options: Options;
  target: Target;
  dataset: Dataset;
  log(message: string): void;
  /** PostgreSQL's CPU clock for the bench database in ms, where it can be read (database-cpu.ts). */
  databaseCpu: (() => number) | undefined;
  /** Our server in a child process: `fn` runs while it is up. */
  withApp<T>(fn: (app: AppChild) => Promise<T>, env?: Record<string, string>): Promise<T>;
  withChild<T>(name: string, args: string[], fn: (child: Child) => Promise<T>): Promise<T>;
};

export type AppChild = Child & {
  url: string;
  wsUrl: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, admin?: boolean): Promise<GqlResult<T>>;
  stats(): Promise<AppStats>;
  has(root: "mutation" | "subscription", field: string): Promise<boolean>;
};

export type AppStats = Memory & { statements: number; feedReads: number };
export type GqlResult<T> = { data?: T; errors?: { message: string }[] };
export type Scenario = (bench: Bench) => Promise<ResultRow[]>;

export function createBench(options: Options, target: Target, dataset: Dataset, started: number): Bench {
  const log = (message: string) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${seconds}s] ${message}\n`);
  };
  // Every server runs as it would be deployed: NODE_ENV=production (graphql-js then skips its
  // development-only instanceof checks, which cost ours and the bare Yoga alike).
  const childOptions = (env: Record<string, string> = {}) => ({
    env: { NODE_ENV: "production", ...targetEnv(target), ...env },
    cpuProfDir: options.profile,
  });
  async function withChild<T>(name: string, args: string[], fn: (child: Child) => Promise<T>): Promise<T> {
    const child = await startChild(name, { ...childOptions(), args });
    try {
      return await fn(child);
    } finally {
      await child.stop();
    }
  }
  async function withApp<T>(fn: (app: AppChild) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
    // The response cache is off unless a scenario turns it on (read-cached.ts): the other
    // scenarios measure the work each request does.
    const child = await startChild("app", childOptions({ ADMIN_TOKEN, RESPONSE_CACHE_SIZE: "0", ...env }));
    const url = `http://127.0.0.1:${child.ready.port}/graphql`;
    let roots: { mutation: Set<string>; subscription: Set<string> } | undefined;
    const app: AppChild = {
      ...child,
      url,
      wsUrl: url.replace("http:", "ws:"),
      async gql(query, variables, admin = false) {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(admin ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as never;
      },
      stats: () => child.call<AppStats>("stats"),
      async has(root, field) {
        if (!roots) {
          type Root = { fields: { name: string }[] } | null;
          const result = await app.gql<{ __schema: { mutationType: Root; subscriptionType: Root } }>(
            "{ __schema { mutationType { fields { name } } subscriptionType { fields { name } } } }",
          );
          const names = (type: Root | undefined) => new Set(type?.fields.map((f) => f.name) ?? []);
          const schema = result.data?.__schema;
          roots = { mutation: names(schema?.mutationType), subscription: names(schema?.subscriptionType) };
        }
        return roots[root].has(field);
      },
    };
    try {
      return await fn(app);
    } finally {
      await child.stop();
    }
  }
  return { options, target, dataset, log, databaseCpu: databaseCpuClock(target), withApp, withChild };
}

/**
 * Mutation body for the n-th write of a series: persons in turn, one day further per round.
 * `year` must be after 1986, the data set's last birth: a release before its person's birth is
 * refused. Each scenario has a year of its own, so their (person, day) pairs never collide.
 */
export function addReleaseBody(bench: Bench, n: number, year: number): string {
  const persons = bench.dataset.sizes.persons;
  const day = new Date(Date.UTC(year, 0, 1) + Math.floor(n / persons) * 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({
    query: ADD_RELEASE,
    variables: {
      input: {
        personId: encodeGlobalId("Person", (n % persons) + 1),
        releasedOn: day,
        fromCountry: "RU",
        toCountry: "DE",
        sourceIds: [encodeGlobalId("Source", 1)],
      },
    },
  });
}

export const ADD_RELEASE = `mutation AddRelease($input: AddReleaseInput!) {
  addRelease(input: $input) { __typename ... on Release { id } ... on Error { message } }
}`;
