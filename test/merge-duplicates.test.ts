// mergePersons when the merged person's sentence and the release that cites it both duplicate the
// kept person's: both are reconciled (retracted, their sources handed over); then the merged
// person named in a new fact. Both found by the random changes of stats-recount.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Admin, adminOf, WRITES } from "./support/changes.js";
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from "./support/server.js";

let server: TestServer;
let admin: Admin;

beforeAll(async () => {
  server = await startServer({ seed: false });
  admin = adminOf(server.url);
});
afterAll(async () => {
  await server?.close();
});

const ADD_SENTENCE = `mutation ($input: AddSentenceInput!) {
  result: addSentence(input: $input) { __typename ... on Node { id } ... on Error { message } } }`;
const MERGE = `mutation ($keep: ID!, $merge: ID!) {
  result: mergePersons(keepId: $keep, mergeId: $merge, reason: "Recorded twice.") {
    __typename ... on Error { message }
    ... on MergePersonsPayload { moved reconciled { duplicate into } kept { sentences { id sources { id } } releases { id sentence { id } sources { id } } } }
  }
}`;

describe("mergePersons with a duplicate sentence and a duplicate release citing it", () => {
  it("reconciles both into the kept person's, keeping every source", async () => {
    const id = async (query: string, input: Record<string, unknown>) =>
      (await admin(query, { input })).result.id as string;
    const [first, second] = [
      await id(WRITES.addSource, { publisher: "First wire" }),
      await id(WRITES.addSource, { publisher: "Second wire" }),
    ];
    const kept = await id(WRITES.addPerson, { name: "Vadim Krasikov" });
    const merged = await id(WRITES.addPerson, { name: "Vadim Krassikov" });
    const sentence = (personId: string, source: string) =>
      id(ADD_SENTENCE, {
        personId,
        country: "DE",
        charge: "Murder",
        kind: "LIFE",
        sentencedOn: "2021-12-15",
        sourceIds: [source],
      });
    const release = (personId: string, sentenceId: string, source: string) =>
      id(WRITES.addRelease, { personId, sentenceId, releasedOn: "2024-08-01", fromCountry: "DE", sourceIds: [source] });
    const keptSentence = await sentence(kept, first);
    const mergedSentence = await sentence(merged, second);
    const keptRelease = await release(kept, keptSentence, first);
    const mergedRelease = await release(merged, mergedSentence, second);

    const { result } = await admin(MERGE, { keep: kept, merge: merged });
    expect(result.__typename, result.message).toBe("MergePersonsPayload");
    expect(result.moved).toEqual([]);
    expect(result.reconciled).toEqual([
      { duplicate: mergedSentence, into: keptSentence },
      { duplicate: mergedRelease, into: keptRelease },
    ]);
    expect(result.kept.sentences).toEqual([{ id: keptSentence, sources: [{ id: first }, { id: second }] }]);
    expect(result.kept.releases).toEqual([
      { id: keptRelease, sentence: { id: keptSentence }, sources: [{ id: first }, { id: second }] },
    ]);
    const { stats } = await admin("{ stats { persons sentences releases } }");
    expect(stats).toEqual({ persons: 1, sentences: 1, releases: 1 });

    // The merged person, named as a speaker or as a subject, is refused the same way: by its merge.
    const statement = async (speakerId: string, subjectIds: string[]) => {
      const input = { speakerId, subjectIds, text: "Home at last.", saidOn: "2024-08-02", sourceIds: [first] };
      const { data } = await server.gql(
        `mutation ($input: AddStatementInput!) { result: addStatement(input: $input) {
          __typename ... on NotFoundError { message path } } }`,
        { input },
        { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      );
      return data?.result;
    };
    const merge = "was merged into another person; use that one.";
    expect(await statement(merged, [])).toEqual({
      __typename: "NotFoundError",
      message: `The person given in speakerId ${merge}`,
      path: ["speakerId"],
    });
    expect(await statement(kept, [kept, merged])).toEqual({
      __typename: "NotFoundError",
      message: `The person given in subjectIds[1] ${merge}`,
      path: ["subjectIds", "1"],
    });
  });
});

describe("mergePersons when the kept person's same release was retracted", () => {
  it("moves the merged person's release, which stands alone", async () => {
    const id = async (query: string, input: Record<string, unknown>) =>
      (await admin(query, { input })).result.id as string;
    const source = await id(WRITES.addSource, { publisher: "Third wire" });
    const kept = await id(WRITES.addPerson, { name: "Paul Whelan" });
    const merged = await id(WRITES.addPerson, { name: "Paul Whelen" });
    const release = (personId: string) =>
      id(WRITES.addRelease, { personId, releasedOn: "2024-08-01", fromCountry: "RU", sourceIds: [source] });
    const wrong = await release(kept);
    await admin(WRITES.retractRelease, { id: wrong, reason: "Recorded on the wrong person." });
    const right = await release(merged);
    const { result } = await admin(MERGE, { keep: kept, merge: merged });
    expect(result.moved).toEqual([right]);
    expect(result.reconciled).toEqual([]);
    expect(result.kept.releases.map((r: { id: string }) => r.id)).toEqual([right]);
  });
});
