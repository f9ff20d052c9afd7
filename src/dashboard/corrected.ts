// The cards of releases and statements hold copies of a person's name, an exchange and the
// sources: when one of those is corrected, every copy is replaced. A card that does not show it
// comes back as the same object, so the list redraws only what changed.
import type { OtherFact, Release, Source, Statement } from "./types.js";

type Named = { id: string; name: string };
export type Corrector = { release(release: Release): Release; statement(statement: Statement): Statement };

/** What a correction of `fact` does to the cards, or undefined when no card shows that kind. */
export function corrector(fact: OtherFact): Corrector | undefined {
  switch (fact.__typename) {
    case "Person": {
      const rename = (person: Named): Named =>
        person.id === fact.id && person.name !== fact.name ? { id: person.id, name: fact.name } : person;
      return {
        release: (release) => {
          const person = rename(release.person);
          return person === release.person ? release : { ...release, person };
        },
        statement: (statement) => {
          const speaker = rename(statement.speaker);
          const subjects = statement.subjects.map(rename);
          const same = speaker === statement.speaker && subjects.every((s, i) => s === statement.subjects[i]);
          return same ? statement : { ...statement, speaker, subjects };
        },
      };
    }
    case "ExchangeEvent": {
      const { id, slug, name, occurredOn } = fact;
      const correct = <T extends Release | Statement>(card: T): T =>
        card.exchange?.id === id ? { ...card, exchange: { id, slug, name, occurredOn } } : card;
      return { release: correct, statement: correct };
    }
    case "Source": {
      const { id, publisher, title, url, publishedAt } = fact;
      const source: Source = { id, publisher, title, url, publishedAt };
      const correct = <T extends Release | Statement>(card: T): T =>
        card.sources.some((s) => s.id === id)
          ? { ...card, sources: card.sources.map((s) => (s.id === id ? source : s)) }
          : card;
      return { release: correct, statement: correct };
    }
    default:
      return undefined;
  }
}
