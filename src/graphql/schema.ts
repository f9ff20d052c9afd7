// The only toSchema() call: importing the type modules registers their types and root fields.
import { builder } from "./builder.js";
import "./source.js";
import "./person.js";
import "./sentence.js";
import "./exchange-event.js";
import "./release.js";
import "./statement.js";
import "./stats.js";
import "./subscriptions.js";
import "./feed-cursor.js";
import "./errors.js";
import "./mutations.js";
import "./corrections.js";
import "./audit.js";
import "./api-keys.js";
import { JSONResolver } from "graphql-scalars";
import { withStablePaths } from "./compiled-queries.js";
import { CountryCodeScalar, DateScalar, DateTimeScalar } from "./scalars.js";

builder.addScalarType("Date", DateScalar);
builder.addScalarType("DateTime", DateTimeScalar);
builder.addScalarType("CountryCode", CountryCodeScalar);
builder.addScalarType("JSON", JSONResolver);
builder.queryType({ description: "Read the facts. Public: no token needed." });
builder.subscriptionType({
  description: "Facts as they are recorded, replayable from a cursor. Public: no token needed.",
});

export const schema = withStablePaths(builder.toSchema({ sortSchema: false }));
