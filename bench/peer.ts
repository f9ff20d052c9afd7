// PostGraphile v5 as the peer (children/postgraphile.ts): the same reads written in its schema's
// names, and a check that its answers equal ours before anything is timed.
import { isDeepStrictEqual } from "node:util";
import type { Bench } from "./context.js";
import type { Child } from "./ipc.js";
import type { Side } from "./load.js";

/** The nested read in PostGraphile's names, aliased to ours, in our orders. */
export const PEER_NESTED_QUERY = `query Nested($slug: String!) {
  exchangeEvent: exchangeEventBySlug(slug: $slug) {
    name occurredOn
    releases: releasesByExchangeId(orderBy: PRIMARY_KEY_ASC) {
      nodes {
        releasedOn fromCountry toCountry
        person: personByPersonId {
          name
          sentences: sentencesByPersonId(orderBy: PRIMARY_KEY_ASC) { nodes { kind termMonths sentencedOn } }
          statements: statementsBySpeakerId(first: 5, orderBy: [SAID_ON_DESC, PRIMARY_KEY_DESC]) { nodes { text saidOn } }
        }
      }
    }
  }
}`;

export const PERSONS_QUERY = "{ persons(first: 20) { nodes { name } } }";
export const PEER_PERSONS_QUERY =
  "{ persons: allPeople(first: 20, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { name } } }";

/**
 * PostGraphile gives every relation as a connection; ours gives `releases` and `sentences` as
 * lists. Its `{ nodes }` under those names becomes the list, so the two answers compare as they are.
 */
export function asOurShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asOurShape);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      const nodes = (field as { nodes?: unknown } | null)?.nodes;
      const unwrap = (key === "releases" || key === "sentences") && Array.isArray(nodes);
      return [key, asOurShape(unwrap ? nodes : field)];
    }),
  );
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/**
 * Throws unless PostGraphile answers each of these requests exactly as we did (`ours`, in the
 * same order), after `asOurShape`.
 */
export async function checkPeerAnswers(
  url: string,
  query: string,
  variables: (Record<string, unknown> | undefined)[],
  ours: unknown[],
): Promise<void> {
  for (const [i, vars] of variables.entries()) {
    const theirs = asOurShape(await post(url, query, vars));
    if (!isDeepStrictEqual(theirs, ours[i]))
      throw new Error(
        `PostGraphile answered differently for ${JSON.stringify(vars ?? {})}:\n` +
          `ours:   ${JSON.stringify(ours[i]).slice(0, 600)}\ntheirs: ${JSON.stringify(theirs).slice(0, 600)}`,
      );
  }
}

/** The PostGraphile side of a comparison; `check` runs on every start, before the warm-up. */
export function peerSide(
  bench: Bench,
  label: string,
  load: (url: string) => Parameters<Parameters<Side["open"]>[0]>[0],
  check: (url: string) => Promise<void>,
): Side {
  return {
    label,
    open: (round) =>
      bench.withChild("postgraphile", [String(bench.options.peerPool)], async (child: Child) => {
        const url = `http://127.0.0.1:${child.ready.port}/graphql`;
        await check(url);
        return round(load(url), child);
      }),
  };
}

export { post as postGraphQL };
