import { defineRelations } from "drizzle-orm";
import { tables } from "./schema.js";

/** Related lists hold only standing facts: a retracted one has left them (API.md). */
const STANDING = { retractedAt: { isNull: true } } as const;

export const relations = defineRelations(tables, (r) => ({
  person: {
    mergedInto: r.one.person({ from: r.person.mergedIntoId, to: r.person.id, alias: "mergedInto" }),
    sentences: r.many.sentence({
      where: STANDING,
      from: r.person.id,
      to: r.sentence.personId,
    }),
    releases: r.many.release({
      where: STANDING,
      from: r.person.id,
      to: r.release.personId,
    }),
    statements: r.many.statement({
      where: STANDING,
      from: r.person.id,
      to: r.statement.speakerId,
    }),
    mentions: r.many.statement({
      where: STANDING,
      from: r.person.id.through(r.statementSubject.personId),
      to: r.statement.id.through(r.statementSubject.statementId),
    }),
    sources: r.many.source({
      where: STANDING,
      from: r.person.id.through(r.personSource.personId),
      to: r.source.id.through(r.personSource.sourceId),
    }),
  },
  sentence: {
    person: r.one.person({ from: r.sentence.personId, to: r.person.id, optional: false }),
    releases: r.many.release({
      where: STANDING,
      from: r.sentence.id,
      to: r.release.sentenceId,
    }),
    sources: r.many.source({
      where: STANDING,
      from: r.sentence.id.through(r.sentenceSource.sentenceId),
      to: r.source.id.through(r.sentenceSource.sourceId),
    }),
  },
  exchangeEvent: {
    releases: r.many.release({
      where: STANDING,
      from: r.exchangeEvent.id,
      to: r.release.exchangeId,
    }),
    statements: r.many.statement({
      where: STANDING,
      from: r.exchangeEvent.id,
      to: r.statement.exchangeId,
    }),
    sources: r.many.source({
      where: STANDING,
      from: r.exchangeEvent.id.through(r.exchangeEventSource.exchangeEventId),
      to: r.source.id.through(r.exchangeEventSource.sourceId),
    }),
  },
  release: {
    person: r.one.person({ from: r.release.personId, to: r.person.id, optional: false }),
    exchange: r.one.exchangeEvent({ from: r.release.exchangeId, to: r.exchangeEvent.id }),
    sentence: r.one.sentence({ from: r.release.sentenceId, to: r.sentence.id }),
    sources: r.many.source({
      where: STANDING,
      from: r.release.id.through(r.releaseSource.releaseId),
      to: r.source.id.through(r.releaseSource.sourceId),
    }),
  },
  statement: {
    speaker: r.one.person({ from: r.statement.speakerId, to: r.person.id, optional: false }),
    exchange: r.one.exchangeEvent({ from: r.statement.exchangeId, to: r.exchangeEvent.id }),
    subjects: r.many.person({
      where: STANDING,
      from: r.statement.id.through(r.statementSubject.statementId),
      to: r.person.id.through(r.statementSubject.personId),
    }),
    sources: r.many.source({
      where: STANDING,
      from: r.statement.id.through(r.statementSource.statementId),
      to: r.source.id.through(r.statementSource.sourceId),
    }),
  },
}));
