// Inputs of the admin mutations: the fields of each type, with references as global ids. Their
// limits and formats are checked by src/facts/input.ts, which names the wrong field.
import { builder, type Types } from "./builder.js";
import { Confidence } from "./confidence.js";
import { SentenceKind } from "./sentence.js";

const DATE = 'A calendar date "YYYY-MM-DD"';
const COUNTRY = 'an ISO 3166-1 alpha-2 code in upper case, like "RU"';
const CITES = "Global ids of the Sources it rests on: at least one, at most 50.";
const UPDATE = (typename: string) =>
  `The fields of a ${typename} to correct: a field left out stays as it is, a field given replaces it (a list replaces the list), null clears an optional one. The corrected ${typename} must pass every rule an added one does.`;
type InputFields = PothosSchemaTypes.InputFieldBuilder<Types, "InputObject">;

function sourceFields<Add extends boolean>(add: Add) {
  return (t: InputFields) => ({
    publisher: t.string({ required: add, description: 'Who published it: "Keystone-SDA" (at most 200 characters).' }),
    title: t.string({ description: "Its title (at most 500 characters)." }),
    url: t.string({ description: "An http(s) URL where it can be read (at most 2000 characters)." }),
    publishedOn: t.string({ description: `${DATE}: the day it was published.` }),
    publishedAt: t.string({
      description: 'The moment it was published, ISO 8601 with offset: "2024-08-01T17:00:00Z".',
    }),
    description: t.string({ description: "What the source is (at most 2000 characters)." }),
  });
}

export const AddSourceInput = builder.inputType("AddSourceInput", {
  description: "A source to record. A source with the same URL is a conflict.",
  fields: sourceFields(true),
});

export const UpdateSourceInput = builder.inputType("UpdateSourceInput", {
  description: UPDATE("Source"),
  fields: sourceFields(false),
});

const personFields = {
  slug: 'Stable readable key: lower-case words joined by hyphens, like "roman-seleznev"; unique.',
  aliases: "Other spellings, transliterations and cover names (at most 50).",
  nationalities: `Citizenships, each ${COUNTRY}.`,
  birthDate: `${DATE}: the date of birth.`,
  description: "Who the person is, in a line (at most 2000 characters).",
  sourceIds: "Global ids of Sources about the person (optional, at most 50).",
};

export const AddPersonInput = builder.inputType("AddPersonInput", {
  description: "A person to record. A person with the same slug is a conflict.",
  fields: (t) => ({
    name: t.string({ required: true, description: 'Canonical English name: "Roman Seleznev".' }),
    slug: t.string({ description: `${personFields.slug} Made from the name when left out.` }),
    aliases: t.stringList({ description: personFields.aliases }),
    nationalities: t.stringList({ description: personFields.nationalities }),
    birthDate: t.string({ description: personFields.birthDate }),
    description: t.string({ description: personFields.description }),
    sourceIds: t.idList({ description: personFields.sourceIds }),
  }),
});

export const UpdatePersonInput = builder.inputType("UpdatePersonInput", {
  description: UPDATE("Person"),
  fields: (t) => ({
    name: t.string({ description: "Canonical English name; cannot be cleared." }),
    slug: t.string({ description: `${personFields.slug} Cannot be cleared.` }),
    aliases: t.stringList({ description: `${personFields.aliases} Replaces the list.` }),
    nationalities: t.stringList({ description: `${personFields.nationalities} Replaces the list.` }),
    birthDate: t.string({ description: `${personFields.birthDate} Null clears it.` }),
    description: t.string({ description: `${personFields.description} Null clears it.` }),
    sourceIds: t.idList({ description: "Global ids of Sources about the person: replaces the list." }),
  }),
});

function sentenceFields<Add extends boolean>(add: Add) {
  return (t: InputFields) => ({
    personId: t.id({ required: add, description: "Global id of the Person sentenced." }),
    country: t.string({ required: add, description: `The state whose court passed it, ${COUNTRY}.` }),
    court: t.string({ description: "The court (at most 500 characters)." }),
    charge: t.string({ required: add, description: "What the person was convicted of (at most 2000 characters)." }),
    kind: t.field({ type: SentenceKind, required: add, description: "Term, life, death or time served." }),
    termMonths: t.int({ description: "Length in months, 1 to 12000: required for TERM, null for every other kind." }),
    sentencedOn: t.string({ description: `${DATE}: the day of the verdict.` }),
    note: t.string({ description: "What the date and term leave out (at most 2000 characters)." }),
    confidence: t.field({ type: Confidence, description: "How firmly the sources establish it." }),
    sourceIds: t.idList({ required: add, description: CITES }),
  });
}

export const AddSentenceInput = builder.inputType("AddSentenceInput", {
  description: "A court sentence to record. The same person, state, kind, charge and day twice is a conflict.",
  fields: sentenceFields(true),
});

export const UpdateSentenceInput = builder.inputType("UpdateSentenceInput", {
  description: UPDATE("Sentence"),
  fields: sentenceFields(false),
});

function exchangeEventFields<Add extends boolean>(add: Add) {
  return (t: InputFields) => ({
    slug: t.string({ required: add, description: 'Lower-case words joined by hyphens: "2024-08-01-ankara"; unique.' }),
    name: t.string({ required: add, description: "Its common name (at most 300 characters)." }),
    occurredOn: t.string({ required: add, description: `${DATE}: the day it took place.` }),
    location: t.string({ description: "Where it took place (at most 500 characters)." }),
    country: t.string({ description: `The state where it took place, ${COUNTRY}.` }),
    mediators: t.stringList({ description: `States that mediated it, each ${COUNTRY}.` }),
    parties: t.stringList({ description: `The states that released someone, each ${COUNTRY}.` }),
    description: t.string({ description: "What happened (at most 10000 characters)." }),
    confidence: t.field({ type: Confidence, description: "How firmly the sources establish it." }),
    sourceIds: t.idList({ required: add, description: CITES }),
  });
}

export const AddExchangeEventInput = builder.inputType("AddExchangeEventInput", {
  description: "An exchange to record. An exchange with the same slug is a conflict.",
  fields: exchangeEventFields(true),
});

export const UpdateExchangeEventInput = builder.inputType("UpdateExchangeEventInput", {
  description: UPDATE("ExchangeEvent"),
  fields: exchangeEventFields(false),
});

function releaseFields<Add extends boolean>(add: Add) {
  return (t: InputFields) => ({
    personId: t.id({ required: add, description: "Global id of the Person released." }),
    exchangeId: t.id({ description: "Global id of the ExchangeEvent; left out for a release outside any exchange." }),
    releasedOn: t.string({ required: add, description: `${DATE}: the day the person was set free.` }),
    fromCountry: t.string({ required: add, description: `The state that held the person, ${COUNTRY}.` }),
    toCountry: t.string({ description: `Where the person was sent, ${COUNTRY}.` }),
    sentenceId: t.id({ description: "Global id of the Sentence cut short, if there was one." }),
    note: t.string({ description: "How it came about (at most 2000 characters)." }),
    confidence: t.field({ type: Confidence, description: "How firmly the sources establish it." }),
    sourceIds: t.idList({ required: add, description: CITES }),
  });
}

export const AddReleaseInput = builder.inputType("AddReleaseInput", {
  description:
    "A release to record. The same person twice in one exchange, or twice on one day, is a conflict. The sentence must be the person's own and not dated after the release.",
  fields: releaseFields(true),
});

export const UpdateReleaseInput = builder.inputType("UpdateReleaseInput", {
  description: UPDATE("Release"),
  fields: releaseFields(false),
});

function statementFields<Add extends boolean>(add: Add) {
  return (t: InputFields) => ({
    speakerId: t.id({ required: add, description: "Global id of the Person who said it." }),
    text: t.string({ required: add, description: "What was said, verbatim (at most 100000 characters)." }),
    language: t.string({ description: 'Language of the text, BCP 47: "en", "ru", "pt-BR".' }),
    saidOn: t.string({ required: add, description: `${DATE}: the day it was said.` }),
    channel: t.string({ description: 'How it was said: "Telegram", "press conference" (at most 200 characters).' }),
    subjectIds: t.idList({ description: "Global ids of the Persons it is about (at most 100)." }),
    exchangeId: t.id({ description: "Global id of the ExchangeEvent it concerns, if any." }),
    confidence: t.field({ type: Confidence, description: "How firmly the sources establish it." }),
    sourceIds: t.idList({ required: add, description: CITES }),
  });
}

export const AddStatementInput = builder.inputType("AddStatementInput", {
  description: "A statement to record. The same speaker, day and text twice is a conflict.",
  fields: statementFields(true),
});

export const UpdateStatementInput = builder.inputType("UpdateStatementInput", {
  description: UPDATE("Statement"),
  fields: statementFields(false),
});
