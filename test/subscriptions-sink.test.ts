// A subscription with a direct sink (how graphql-ws subscriptions are served): results go to the
// sink while the transport's next() stays pending, what the sink refuses goes to next(), and the
// end of the subscription always answers next(), so the transport's loop never hangs.
import { type ExecutionArgs, type ExecutionResult, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context } from "../src/graphql/context.js";
import { decodeGlobalId } from "../src/graphql/global-id.js";
import { schema } from "../src/graphql/schema.js";
import { SearchLane } from "../src/graphql/search.js";
import { createLogger } from "../src/logger.js";
import { type DirectSink, sharedSubscribe } from "../src/subscriptions/shared-execution.js";
import { createWorld, type World, writeFact } from "./support/feed-facts.js";
import { startServer, type TestServer } from "./support/server.js";
import { until } from "./support/until.js";

let server: TestServer;
let world: World;
let written = 0;

beforeAll(async () => {
  server = await startServer({ seed: false });
  world = await createWorld(server.database.db, 4);
});
afterAll(() => server?.close());

const RELEASES = parse(`subscription { releaseAdded { cursor release { id person { name } } } }`);
const subscribe = sharedSubscribe((result) => result);
type Event = { releaseAdded: { release: { id: string } } };

/** A sink that takes results while `accepting`, and keeps them. */
function sink(accepting = true): DirectSink & { results: ExecutionResult[]; accepting: boolean } {
  return {
    results: [],
    accepting,
    deliver(result) {
      if (!this.accepting) return false;
      this.results.push(result);
      return true;
    },
  };
}

async function start(into: DirectSink) {
  const contextValue: Context = {
    db: server.database.db,
    viewer: { admin: false, reason: "none" },
    requestId: "sink-test",
    log: createLogger("silent"),
    feed: server.app.feed,
    searches: new SearchLane(server.database.searchDb, 1),
  };
  const args: ExecutionArgs = { schema, document: RELEASES, contextValue };
  const stream = await subscribe(args, into);
  if (!(Symbol.asyncIterator in stream)) throw new Error(`not a subscription: ${JSON.stringify(stream)}`);
  return stream;
}

/** Settles with the promise's outcome, or "pending" if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([promise, new Promise<"pending">((resolve) => setTimeout(() => resolve("pending"), ms))]);
}

describe("a subscription with a direct sink", () => {
  it("sends each result to the sink, in order, while next() stays pending; return() answers next() with done", async () => {
    const into = sink();
    const stream = await start(into);
    const next = stream.next();
    const releases = [];
    for (let i = 0; i < 3; i++) releases.push(await writeFact(server.database.db, world, 2 * written++));
    await until(() => into.results.length === 3);
    const ids = into.results.map((r) => decodeGlobalId((r.data as Event).releaseAdded.release.id).id);
    expect(ids).toEqual(releases.map((written) => String(written.id)));
    expect(into.results.every((r) => r.errors === undefined)).toBe(true);
    expect(await within(next, 200)).toBe("pending");
    // A client's `complete`: graphql-ws calls return(); its loop, waiting in next(), must end.
    await stream.return(undefined);
    expect(await within(next, 2_000)).toEqual({ done: true, value: undefined });
  });

  it("hands next() what the sink refuses, then goes on through the sink", async () => {
    const into = sink(false);
    const stream = await start(into);
    const next = stream.next();
    await writeFact(server.database.db, world, 2 * written++);
    const refused = await within(next, 10_000);
    expect(refused).not.toBe("pending");
    expect((refused as IteratorResult<ExecutionResult>).value?.data?.releaseAdded).toBeTruthy();
    into.accepting = true;
    const after = stream.next();
    await writeFact(server.database.db, world, 2 * written++);
    await until(() => into.results.length === 1);
    expect(await within(after, 200)).toBe("pending");
    await stream.return(undefined);
    expect(await within(after, 2_000)).toEqual({ done: true, value: undefined });
  });

  it("answers next() with done when the server stops its feed", async () => {
    const into = sink();
    const stream = await start(into);
    const next = stream.next();
    await writeFact(server.database.db, world, 2 * written++);
    await until(() => into.results.length === 1);
    await server.app.feed.stop();
    expect(await within(next, 2_000)).toEqual({ done: true, value: undefined });
  });
});
