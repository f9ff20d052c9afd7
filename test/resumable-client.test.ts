// The shipped resumable client (src/client/resumable.ts) against a real server that is stopped
// and started again on the same port and database: it receives every release written meanwhile,
// once, in order; a plain graphql-ws client beside it, resubscribing with its first `after`, does not.
import { ApolloClient, gql, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type CursorStore, memoryCursorStore, resumable } from "../src/client/resumable.js";
import { createWorld, type World, writeFact } from "./support/feed-facts.js";
import { type RestartableServer, restartableServer } from "./support/restartable.js";
import { until } from "./support/until.js";

const RELEASES = `subscription Releases($after: String) { releaseAdded(after: $after) { cursor release { id } } }`;

let server: RestartableServer;
let world: World;
const clients: Client[] = [];

/** A graphql-ws client that keeps retrying quickly, as a dashboard would. */
function wsClient(): Client {
  const client = createClient({
    url: `ws://127.0.0.1:${server.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
  });
  clients.push(client);
  return client;
}

/** Subscribes to releaseAdded, collecting release ids; `failures` gets any error. */
function collect(client: Client, variables: Record<string, unknown> = {}) {
  const ids: number[] = [];
  const failures: unknown[] = [];
  const dispose = client.subscribe<{ releaseAdded: { release: { id: string } } }>(
    { query: RELEASES, operationName: "Releases", variables },
    {
      next: (result) => {
        if (result.errors) failures.push(result.errors);
        const id = result.data?.releaseAdded.release.id;
        if (id) ids.push(Number(Buffer.from(id, "base64url").toString("utf8").split(":")[1]));
      },
      error: (error) => failures.push(error),
      complete: () => {},
    },
  );
  return { ids, failures, dispose };
}

const globalId = (id: number) => Buffer.from(`Release:${id}`).toString("base64url");

async function feedCursor(): Promise<string> {
  return (await server.gql<{ feedCursor: string }>("{ feedCursor }")).feedCursor;
}

/** Writes `count` releases (fact numbers from `from`), returning their ids in commit order. */
async function writeReleases(from: number, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 0; n < count; n++) ids.push((await writeFact(server.database.db, world, from + 2 * n)).id);
  return ids;
}

beforeAll(async () => {
  server = await restartableServer({ seed: false });
  world = await createWorld(server.database.db, 7);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await server?.close();
});

describe("resumable graphql-ws client", () => {
  let store: CursorStore;
  let written: number[] = [];

  it("gets every release written while the server was down, once and in order", async () => {
    store = memoryCursorStore();
    const after = await feedCursor();
    const resuming = collect(resumable(wsClient(), { store }), { after });
    const plain = collect(wsClient(), { after });

    written = await writeReleases(0, 2);
    await until(() => resuming.ids.length === 2 && plain.ids.length === 2);

    await server.stop();
    written.push(...(await writeReleases(4, 3)));
    await server.start();
    written.push(...(await writeReleases(10, 1)));

    await until(() => resuming.ids.length >= written.length && plain.ids.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resuming.ids).toEqual(written);
    expect(resuming.failures).toEqual([]);
    // What graphql-ws alone does: it resubscribes with the original `after`, so it gets the
    // replay from there again: the first two releases twice.
    expect(plain.ids).not.toEqual(written);
    resuming.dispose();
    plain.dispose();
  });

  it("resumes from its store in a new client, as after a reload", async () => {
    const missed = await writeReleases(12, 2);
    // No `after`: the stored cursor of the same operation and variables says where to resume.
    const next = collect(resumable(wsClient(), { store }));
    await until(() => next.ids.length >= 2);
    const live = await writeReleases(16, 1);
    await until(() => next.ids.length >= 3);
    expect(next.ids).toEqual([...missed, ...live]);
    expect(written).not.toContain(missed[0]);
    next.dispose();
  });

  it("passes queries and subscriptions without the cursor variable through unchanged", async () => {
    const client = resumable(wsClient(), { store });
    const result = await new Promise<unknown>((resolve, reject) => {
      let value: unknown;
      client.subscribe(
        { query: "{ feedCursor }" },
        { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
      );
    });
    expect(result).toEqual({ data: { feedCursor: expect.any(String) } });
  });

  it("works under Apollo Client's GraphQLWsLink, as docs/browser.md shows", async () => {
    const apollo = new ApolloClient({
      link: new GraphQLWsLink(resumable(wsClient(), { store: memoryCursorStore() })),
      cache: new InMemoryCache(),
    });
    const ids: string[] = [];
    const subscription = apollo
      .subscribe<{ releaseAdded: { cursor: string; release: { id: string } } }>({
        query: gql(RELEASES),
        variables: { after: await feedCursor() },
      })
      .subscribe({ next: ({ data }) => data && ids.push(data.releaseAdded.release.id) });
    const expected = (await writeReleases(20, 1)).map(globalId);
    await until(() => ids.length === 1);
    await server.stop();
    expected.push(...(await writeReleases(22, 2)).map(globalId));
    await server.start();
    await until(() => ids.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Without resumable(), graphql-ws resubscribes with the first `after`: the first release twice.
    expect(ids).toEqual(expected);
    subscription.unsubscribe();
    apollo.stop();
  });
});
