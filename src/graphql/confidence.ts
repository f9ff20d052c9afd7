import type { confidenceEnum } from "../db/tables.js";
import { builder } from "./builder.js";

export const Confidence = builder.enumType("Confidence", {
  description: "How firmly the sources establish a fact.",
  values: {
    HIGH: { description: "Several independent sources agree, or an official or primary source states it." },
    MEDIUM: { description: "One good source, or minor conflicts between sources." },
    LOW: { description: "A single weak source, or uncorroborated." },
  } satisfies Record<(typeof confidenceEnum.enumValues)[number], { description: string }>,
});

export const CONFIDENCE_DESCRIPTION = "How firmly the cited sources establish this fact.";
