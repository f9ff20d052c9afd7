// Random additions, corrections, retractions and merges through the public API, from a fixed
// seed: the same sequence on every run and engine. Many are refused (a retraction with standing
// facts on it, a release outside its exchange's parties, a change of a retracted fact): a refusal
// is a typed error and must change nothing, which the recount after them checks too.
import type { GraphQLResponse } from "./server.js";

/** A small deterministic PRNG (mulberry32): uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Send = (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse<any>>;

/** Global ids known to the run, by GraphQL type; retracted and merged ones stay (their changes are refused). */
export type Known = {
  Source: string[];
  Person: string[];
  Sentence: string[];
  ExchangeEvent: string[];
  Release: string[];
  Statement: string[];
  /** An exchange's parties and day, for releases that mostly pass its rules. */
  exchanges: Map<string, { parties: string[]; occurredOn: string }>;
};
type Kind = Exclude<keyof Known, "exchanges">;

const COUNTRIES = ["RU", "US", "DE", "BY", "LT", "PL", "GB"];
const RESULT = "__typename ... on Node { id } ... on Error { message }";
const EXCHANGE_RESULT = `${RESULT} ... on ExchangeEvent { parties occurredOn }`;
const MERGE_RESULT =
  "__typename ... on Error { message } ... on MergePersonsPayload { moved reconciled { duplicate into } }";

export type Tally = Map<string, number>;

/** Applies `count` random changes; returns how many of each operation passed and were refused. */
export async function applyRandomChanges(send: Send, known: Known, seed: number, count: number): Promise<Tally> {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number) => random() < p;
  const day = (from = 2000) => {
    const start = Date.UTC(from, 0, 1);
    return new Date(start + Math.floor(random() * (Date.UTC(2025, 0, 1) - start))).toISOString().slice(0, 10);
  };
  const two = () => {
    const a = pick(COUNTRIES);
    return [a, pick(COUNTRIES.filter((c) => c !== a))] as [string, string];
  };
  const some = (kind: Kind, max: number) => [
    ...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(known[kind]))),
  ];
  const tally: Tally = new Map();

  const run = async (operation: string, query: string, variables: Record<string, unknown>) => {
    const { data, errors } = await send(query, variables);
    if (errors || !data) throw new Error(`${operation} ${JSON.stringify(variables)}: ${JSON.stringify(errors)}`);
    const result = data.result;
    const outcome = result.message === undefined ? "ok" : result.__typename;
    tally.set(`${operation} ${outcome}`, (tally.get(`${operation} ${outcome}`) ?? 0) + 1);
    if (outcome !== "ok")
      tally.set(`  ${operation}: ${result.message}`, (tally.get(`  ${operation}: ${result.message}`) ?? 0) + 1);
    return outcome === "ok" ? result : undefined;
  };

  const add = async (kind: Kind, input: Record<string, unknown>) => {
    const result = await run(
      `add${kind}`,
      `mutation ($input: Add${kind}Input!) { result: add${kind}(input: $input) { ${kind === "ExchangeEvent" ? EXCHANGE_RESULT : RESULT} } }`,
      {
        input,
      },
    );
    if (result) known[kind].push(result.id);
    if (result && kind === "ExchangeEvent") known.exchanges.set(result.id, result);
  };

  const addOne = async (i: number) => {
    const sourceIds = some("Source", 2);
    const kind = pick([
      "Source",
      "Person",
      "Person",
      "Sentence",
      "ExchangeEvent",
      "Release",
      "Release",
      "Release",
      "Statement",
      "Statement",
    ] as const);
    if (kind === "Source") return add(kind, { publisher: `Random wire ${seed} ${i}` });
    if (kind === "Person") {
      return add(kind, {
        name: `Random Person ${seed} ${i}`,
        nationalities: chance(0.7) ? [pick(COUNTRIES)] : [],
        sourceIds,
      });
    }
    if (kind === "Sentence") {
      const life = chance(0.2);
      return add(kind, {
        personId: pick(known.Person),
        country: pick(COUNTRIES),
        charge: `Random charge ${i}`,
        kind: life ? "LIFE" : "TERM",
        termMonths: life ? null : 1 + Math.floor(random() * 240),
        sentencedOn: day(1990),
        sourceIds,
      });
    }
    if (kind === "ExchangeEvent") {
      const occurredOn = day();
      return add(kind, {
        slug: `${occurredOn}-random-${seed}-${i}`,
        name: `Random exchange ${i}`,
        occurredOn,
        parties: two(),
        sourceIds,
      });
    }
    if (kind === "Release") {
      const [fromCountry, toCountry] = two();
      const exchangeId = chance(0.3) ? pick([...known.exchanges.keys()]) : null;
      const exchange = exchangeId ? known.exchanges.get(exchangeId) : undefined;
      return add(kind, {
        personId: pick(known.Person),
        releasedOn: exchange && chance(0.8) ? exchange.occurredOn : day(),
        fromCountry: exchange?.parties.length && chance(0.8) ? pick(exchange.parties) : fromCountry,
        toCountry: chance(0.8) ? toCountry : null,
        exchangeId,
        sourceIds,
      });
    }
    return add(kind, {
      speakerId: pick(known.Person),
      text: `Random statement ${seed} ${i}.`,
      saidOn: day(),
      subjectIds: chance(0.7) ? some("Person", 2) : [],
      sourceIds,
    });
  };

  const update = async (i: number) => {
    const kind = pick([
      "Source",
      "Person",
      "Sentence",
      "ExchangeEvent",
      "Release",
      "Release",
      "Statement",
      "Statement",
    ] as const);
    const patches: Record<Kind, () => Record<string, unknown>> = {
      Source: () => ({ title: `Corrected title ${i}` }),
      Person: () => (chance(0.5) ? { nationalities: [pick(COUNTRIES)] } : { aliases: [`Alias ${seed} ${i}`] }),
      Sentence: () => (chance(0.5) ? { country: pick(COUNTRIES) } : { court: `Court ${i}` }),
      ExchangeEvent: () => (chance(0.5) ? { parties: two() } : { name: `Corrected exchange ${i}` }),
      Release: () =>
        pick([
          () => ({ fromCountry: pick(COUNTRIES) }),
          () => ({ toCountry: chance(0.8) ? pick(COUNTRIES) : null }),
          () => ({ personId: pick(known.Person) }),
          () => ({ releasedOn: day() }),
          () => ({ exchangeId: null }),
        ])(),
      Statement: () =>
        pick([
          () => ({ subjectIds: some("Person", 3) }),
          () => ({ speakerId: pick(known.Person) }),
          () => ({ text: `Corrected statement ${seed} ${i}.` }),
        ])(),
    };
    await run(
      `update${kind}`,
      `mutation ($id: ID!, $input: Update${kind}Input!, $reason: String!) { result: update${kind}(id: $id, input: $input, reason: $reason) { ${RESULT} } }`,
      { id: pick(known[kind]), input: patches[kind](), reason: `Random correction ${i}` },
    );
  };

  const retract = async (i: number) => {
    const kind = pick([
      "Source",
      "Person",
      "Sentence",
      "ExchangeEvent",
      "Release",
      "Release",
      "Release",
      "Statement",
      "Statement",
    ] as const);
    await run(
      `retract${kind}`,
      `mutation ($id: ID!, $reason: String!) { result: retract${kind}(id: $id, reason: $reason) { ${RESULT} } }`,
      { id: pick(known[kind]), reason: `Random retraction ${i}` },
    );
  };

  const merge = async (i: number) => {
    const keep = pick(known.Person);
    await run(
      "mergePersons",
      `mutation ($keep: ID!, $merge: ID!, $reason: String!) { result: mergePersons(keepId: $keep, mergeId: $merge, reason: $reason) { ${MERGE_RESULT} } }`,
      { keep, merge: pick(known.Person.filter((p) => p !== keep)), reason: `Random merge ${i}` },
    );
  };

  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.35) await addOne(i);
    else if (roll < 0.7) await update(i);
    else if (roll < 0.9) await retract(i);
    else await merge(i);
  }
  return tally;
}
