// Facts for the subscription tests, written through src/facts (the only write path), with
// properties spread so that different filters select different, non-empty subsets.
import { randomBytes } from "node:crypto";
import { asc } from "drizzle-orm";
import type { Db } from "../../src/db/client.js";
import { feedEventTable } from "../../src/db/tables.js";
import { addExchangeEvent, addPerson, addRelease, addSource, addStatement } from "../../src/facts/write.js";

export type World = { tag: string; sourceId: number; exchangeId: number; persons: number[] };

export type Written =
  | { kind: "release"; id: number; fromCountry: string; toCountry: string; exchangeId: number | null }
  | { kind: "statement"; id: number; speakerId: number; subjectIds: number[] };

const ACTOR = "subscription-tests";

/**
 * A source, an exchange and `size` persons. Release k goes to person k % size on day k; when size
 * is not a multiple of 3, no person gets two releases in the exchange before k = 3 * size.
 */
export async function createWorld(db: Db, size: number): Promise<World> {
  const tag = randomBytes(4).toString("hex");
  const source = await addSource(db, { publisher: `Test wire ${tag}`, url: `https://example.org/${tag}` }, ACTOR);
  const exchange = await addExchangeEvent(
    db,
    { slug: `1950-01-01-test-${tag}`, name: `Test exchange ${tag}`, occurredOn: "1950-01-01", sourceIds: [source.id] },
    ACTOR,
  );
  const persons: number[] = [];
  for (let i = 0; i < size; i++) {
    const person = await addPerson(
      db,
      { name: `Test Person ${tag} ${i}`, nationalities: ["RU"], sourceIds: [source.id] },
      ACTOR,
    );
    persons.push(person.id);
  }
  return { tag, sourceId: source.id, exchangeId: exchange.id, persons };
}

/**
 * Day k of the world's releases: recent for the first 500 (newer than the reference facts, so
 * that lists newest first show them), from 1951 on after that, and never after today: a date
 * after tomorrow is refused.
 */
function releaseDay(k: number): string {
  const start = k < 500 ? Date.UTC(2025, 4, 1) : Date.UTC(1950, 0, 1);
  return new Date(start + k * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Fact number i: even numbers are releases of person i/2, odd ones statements. Releases come
 * from RU or BY, go to US/DE/LT/US, and every third is in the world's exchange; statements are
 * by one of three speakers and about persons[k % 4] (so a quarter are about persons[0]).
 */
export async function writeFact(db: Db, world: World, i: number): Promise<Written> {
  const k = Math.floor(i / 2);
  const person = (n: number) => world.persons[n % world.persons.length] as number;
  if (i % 2 === 0) {
    const fromCountry = k % 2 === 0 ? "RU" : "BY";
    const toCountry = ["US", "DE", "LT", "US"][k % 4] as string;
    const exchangeId = k % 3 === 0 ? world.exchangeId : null;
    const row = await addRelease(
      db,
      {
        personId: person(k),
        releasedOn: releaseDay(k),
        fromCountry,
        toCountry,
        exchangeId,
        sourceIds: [world.sourceId],
      },
      ACTOR,
    );
    return { kind: "release", id: row.id, fromCountry, toCountry, exchangeId };
  }
  const speakerId = person(1 + (k % 3));
  const subjectIds = [person(k % 4)];
  const row = await addStatement(
    db,
    {
      speakerId,
      text: `Statement ${world.tag} number ${i}.`,
      saidOn: "2025-06-02",
      subjectIds,
      sourceIds: [world.sourceId],
    },
    ACTOR,
  );
  return { kind: "statement", id: row.id, speakerId, subjectIds };
}

/**
 * `count` facts from number `from` (every `step`-th: 2 from an even number gives only releases),
 * by `writers` concurrent writers taking turns.
 */
export async function writeFacts(
  db: Db,
  world: World,
  from: number,
  count: number,
  writers = 4,
  step = 1,
): Promise<Written[]> {
  const numbers = Array.from({ length: count }, (_, n) => from + n * step);
  const lanes = Array.from({ length: writers }, async (_, lane) => {
    const written: Written[] = [];
    for (let n = lane; n < count; n += writers) written.push(await writeFact(db, world, numbers[n] as number));
    return written;
  });
  return (await Promise.all(lanes)).flat();
}

/** The feed as committed: "release:12" keys in position order. */
export async function feedKeys(db: Db): Promise<string[]> {
  const events = await db.select().from(feedEventTable).orderBy(asc(feedEventTable.position));
  return events.map((e) => `${e.kind}:${e.entityId}`);
}
