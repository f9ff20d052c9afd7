// The shapes the dashboard's operations return (operations.ts), as the schema defines them.
export type Source = {
  id: string;
  publisher: string;
  title: string | null;
  url: string | null;
  publishedAt: string | null;
};
export type PersonRef = { id: string; name: string };
export type ExchangeRef = { id: string; slug: string; name: string; occurredOn: string };

export type Release = {
  id: string;
  releasedOn: string;
  fromCountry: string;
  toCountry: string | null;
  recordedAt: string;
  person: PersonRef;
  exchange: ExchangeRef | null;
  sources: Source[];
};

export type Statement = {
  id: string;
  text: string;
  language: string | null;
  saidOn: string;
  channel: string | null;
  recordedAt: string;
  speaker: PersonRef;
  subjects: PersonRef[];
  exchange: ExchangeRef | null;
  sources: Source[];
};

export type CountryCount = { country: string; count: number };

export type Overview = {
  stats: {
    persons: number;
    releases: number;
    statements: number;
    exchanges: number;
    releasesByFromCountry: CountryCount[];
    releasesByToCountry: CountryCount[];
  };
  exchangeEvents: {
    nodes: {
      id: string;
      slug: string;
      name: string;
      occurredOn: string;
      location: string | null;
      country: string | null;
      parties: string[];
      mediators: string[];
      releases: { id: string }[];
    }[];
  };
};

export type Latest = { releases: { nodes: Release[] }; statements: { nodes: Statement[] } };

export type PersonHit = { id: string; name: string; aliases: string[]; nationalities: string[] };

export type Sentence = {
  id: string;
  country: string;
  court: string | null;
  charge: string;
  kind: "TERM" | "LIFE" | "DEATH";
  termMonths: number | null;
  sentencedOn: string | null;
  sources: Source[];
};

export type PersonView = PersonHit & {
  birthDate: string | null;
  description: string | null;
  sentences: Sentence[];
  releases: Release[];
  statements: { nodes: Statement[] };
  mentions: { nodes: Statement[] };
};
