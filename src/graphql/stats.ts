import { sql } from "drizzle-orm";
import { rowsOf } from "../db/rows.js";
import { builder } from "./builder.js";

type CountryCount = { country: string; count: number };
type Stats = {
  persons: number;
  releases: number;
  statements: number;
  exchanges: number;
  sentences: number;
  sources: number;
  releasesByFromCountry: CountryCount[];
  releasesByToCountry: CountryCount[];
};

const CountryCountRef = builder.objectRef<CountryCount>("CountryCount").implement({
  description: "A number of releases for one state.",
  fields: (t) => ({
    country: t.expose("country", { type: "CountryCode", description: "The state." }),
    count: t.exposeInt("count", { description: "How many releases." }),
  }),
});

const StatsRef = builder.objectRef<Stats>("Stats").implement({
  description: "Counts for dashboards, read in one statement.",
  fields: (t) => ({
    persons: t.exposeInt("persons", { description: "Persons recorded." }),
    releases: t.exposeInt("releases", { description: "Releases recorded." }),
    statements: t.exposeInt("statements", { description: "Statements recorded." }),
    exchanges: t.exposeInt("exchanges", { description: "Exchange events recorded." }),
    sentences: t.exposeInt("sentences", { description: "Sentences recorded." }),
    sources: t.exposeInt("sources", { description: "Sources recorded." }),
    releasesByCountry: t.field({
      type: [CountryCountRef],
      description: "Releases by the state that held the person, most first (same as releasesByFromCountry).",
      resolve: (stats) => stats.releasesByFromCountry,
    }),
    releasesByFromCountry: t.field({
      type: [CountryCountRef],
      description: "Releases by the state that held the person, most first.",
      resolve: (stats) => stats.releasesByFromCountry,
    }),
    releasesByToCountry: t.field({
      type: [CountryCountRef],
      description: "Releases by the state the person was sent to, most first (unknown destinations left out).",
      resolve: (stats) => stats.releasesByToCountry,
    }),
  }),
});

builder.queryFields((t) => ({
  stats: t.field({
    type: StatsRef,
    description: "Counts of the facts that stand (retracted ones and merged persons left out), for dashboards.",
    resolve: async (_parent, _args, ctx) => {
      const result = await ctx.db.execute<{ stats: Stats | string }>(sql`
        select json_build_object(
          'persons', (select count(*) from person where retracted_at is null),
          'releases', (select count(*) from release where retracted_at is null),
          'statements', (select count(*) from statement where retracted_at is null),
          'exchanges', (select count(*) from exchange_event where retracted_at is null),
          'sentences', (select count(*) from sentence where retracted_at is null),
          'sources', (select count(*) from source where retracted_at is null),
          'releasesByFromCountry', coalesce((select json_agg(json_build_object('country', c, 'count', n) order by n desc, c)
             from (select from_country c, count(*) n from release where retracted_at is null group by from_country) f), '[]'::json),
          'releasesByToCountry', coalesce((select json_agg(json_build_object('country', c, 'count', n) order by n desc, c)
             from (select to_country c, count(*) n from release where to_country is not null and retracted_at is null group by to_country) f), '[]'::json)
        ) as stats`);
      const raw = rowsOf<{ stats: Stats | string }>(result)[0]?.stats;
      return typeof raw === "string" ? (JSON.parse(raw) as Stats) : (raw as Stats);
    },
  }),
}));
