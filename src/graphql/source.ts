import { builder } from "./builder.js";
import { factFields } from "./facts.js";

export const SourceRef = builder.drizzleNode("source", {
  name: "Source",
  description: "A publication that a fact rests on: an article, a statement, a court record.",
  // Only the columns a query asks for, not whole rows (src/graphql/column-fields.ts).
  select: {},
  id: { column: (source) => source.id },
  fields: (t) => ({
    publisher: t.exposeString("publisher", {
      description: 'Who published it: "Keystone-SDA", "TASS", "RFE/RL".',
    }),
    title: t.exposeString("title", { nullable: true, description: "Its title, where it has one." }),
    url: t.exposeString("url", { nullable: true, description: "Where it can be read." }),
    publishedOn: t.expose("publishedOn", {
      type: "Date",
      nullable: true,
      description: "The day it was published, where known.",
    }),
    publishedAt: t.expose("publishedAt", {
      type: "DateTime",
      nullable: true,
      description: "The moment it was published, where the time of day is known.",
    }),
    description: t.exposeString("description", {
      nullable: true,
      description: "What the source is, as recorded by the editor who cited it.",
    }),
    ...factFields(t, "source", "source"),
    recordedAt: t.expose("recordedAt", {
      type: "DateTime",
      description: "When this source was recorded in the service.",
    }),
  }),
});
