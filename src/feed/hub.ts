// One feed reader per process. NOTIFY is only a doorbell: on a ring, on every (re)connect of the
// listening connection and on a slow safety poll, the hub reads the feed after the last position
// it has seen, once for all its subscribers, and hands each batch to them. Its only state is that
// position, which start() rebuilds from the database.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { FEED_CHANNEL } from "./append.js";
import type { FeedItem } from "./item.js";
import { type FeedPage, feedHead, readFeed } from "./read.js";

export type FeedHubOptions = {
  /** Safety poll while anyone is subscribed: covers lost NOTIFYs and a dead listening connection. */
  pollMs?: number;
  /** Events read per statement. */
  batchSize?: number;
  /** Events a subscriber may fall behind before it is cut off (see subscription.ts). */
  queueLimit?: number;
  /**
   * Sees every page read, before any listener gets it, and keeps the hub reading while nobody
   * is subscribed (the response cache drops stale answers here). Must neither block nor throw.
   */
  observe?: (page: FeedPage) => void;
};

/** What the hub hands batches to; `push` must neither block nor throw (see subscription.ts). */
export type FeedListener = {
  push(items: FeedItem[]): void;
  /** The hub is stopping: finish. */
  end(): void;
};

/** A NOTIFY payload the hub sends to itself to check that its LISTEN still works. */
const CANARY = "canary:";

export class FeedHub {
  readonly database: Database;
  readonly queueLimit: number;
  readonly log: Logger;
  readonly #pollMs: number;
  readonly #batchSize: number;
  readonly #observe: ((page: FeedPage) => void) | undefined;
  readonly #listeners = new Set<FeedListener>();
  readonly #id = randomUUID();
  #position = 0;
  #reading: Promise<void> | null = null;
  #again = false;
  #failing = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  /** Bumped on every (re)listen, so a superseded listener's rings are ignored. */
  #generation = 0;
  #unlisten: (() => Promise<void>) | undefined;
  #canary: string | null = null;
  #canaryCount = 0;
  #checking = false;

  constructor(database: Database, log: Logger, options: FeedHubOptions = {}) {
    this.database = database;
    this.log = log;
    this.#pollMs = options.pollMs ?? 3000;
    this.#batchSize = options.batchSize ?? 500;
    this.queueLimit = options.queueLimit ?? 1000;
    this.#observe = options.observe;
  }

  /** The last position handed to listeners: every event up to it has been read. */
  get position(): number {
    return this.#position;
  }

  get subscriberCount(): number {
    return this.#listeners.size;
  }

  async start(): Promise<void> {
    this.#position = await feedHead(this.database.db);
    await this.#listen();
    this.#timer = setInterval(() => this.#tick(), this.#pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const listener of this.#listeners) listener.end();
    this.#listeners.clear();
    await this.#reading;
    await this.#unlisten?.().catch(() => {});
  }

  /** Adds a listener; it receives every batch read from now on, until detach(listener). */
  attach(listener: FeedListener): void {
    this.#listeners.add(listener);
    // Rings may have been missed while nobody listened and nothing polled: catch up at once.
    if (this.#listeners.size === 1) this.ring();
  }

  detach(listener: FeedListener): void {
    this.#listeners.delete(listener);
  }

  /** Reads the feed soon; rings that arrive while a read is in flight coalesce into one more read. */
  ring(): void {
    if (this.#stopped) return;
    this.#again = true;
    if (!this.#reading) this.#reading = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#again && !this.#stopped) {
        this.#again = false;
        if (this.#listeners.size === 0 && !this.#observe) {
          // Nobody to hand events to: just keep the position current (one cheap statement). A
          // listener that attached meanwhile started from the old position, so then read it all.
          const head = await feedHead(this.database.db);
          if (this.#listeners.size === 0 && !this.#observe) {
            this.#position = Math.max(this.#position, head);
            continue;
          }
        }
        let page: FeedPage;
        do {
          page = await readFeed(this.database.db, this.#position, this.#batchSize);
          this.#publish(page);
        } while (page.full && !this.#stopped);
      }
      if (this.#failing) this.log.info({ position: this.#position }, "feed reads work again");
      this.#failing = false;
    } catch (error) {
      // The database is away (restart, network): the next ring or poll retries from the same position.
      if (!this.#failing) this.log.error({ err: error }, "cannot read the feed; retrying");
      else this.log.debug({ err: error }, "still cannot read the feed");
      this.#failing = true;
    } finally {
      this.#reading = null;
    }
  }

  /** Synchronous, so that `position` and what listeners have received never disagree. */
  #publish(page: FeedPage): void {
    if (page.end <= this.#position) return;
    this.#position = page.end;
    if (page.items.length === 0) return;
    this.#observe?.(page);
    for (const listener of this.#listeners) listener.push(page.items);
  }

  async #listen(): Promise<void> {
    if (this.#stopped) return;
    const generation = ++this.#generation;
    const previous = this.#unlisten;
    this.#unlisten = undefined;
    this.#canary = null;
    await previous?.().catch(() => {});
    try {
      this.#unlisten = await this.database.listen(
        FEED_CHANNEL,
        (payload) => {
          if (generation !== this.#generation) return;
          if (payload.startsWith(CANARY)) {
            if (payload === this.#canary) this.#canary = null;
          } else this.ring();
        },
        () => {
          // (Re)connected: whatever was notified while the connection was down is in the feed.
          if (generation === this.#generation) this.ring();
        },
      );
    } catch (error) {
      this.log.error({ err: error }, "cannot LISTEN for feed events; retrying");
    }
  }

  /**
   * The safety poll, only while someone is subscribed (or observes). postgres.js re-issues LISTEN once after its
   * connection drops; if the server is still down then, that LISTEN is lost without a word. So
   * each tick also sends a canary NOTIFY to itself and re-listens when the last one never came.
   */
  #tick(): void {
    if (this.#stopped || (this.#listeners.size === 0 && !this.#observe)) return;
    this.ring();
    void this.#checkListener();
  }

  async #checkListener(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      if (!this.#unlisten || this.#canary !== null) {
        if (this.#unlisten) this.log.warn("the feed LISTEN went quiet; listening again");
        await this.#listen();
        if (!this.#unlisten) return;
      }
      // Set before sending: the NOTIFY can arrive before the statement that sent it returns.
      const canary = `${CANARY}${this.#id}:${++this.#canaryCount}`;
      this.#canary = canary;
      try {
        await this.database.db.execute(sql`select pg_notify(${FEED_CHANNEL}, ${canary})`);
      } catch {
        // Down: the read of this tick logs it; a canary never sent proves nothing.
        if (this.#canary === canary) this.#canary = null;
      }
    } finally {
      this.#checking = false;
    }
  }
}
