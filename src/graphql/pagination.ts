import { GraphQLError } from "graphql";
import { MAX_PAGE_SIZE } from "./builder.js";

type PageArgs = { first?: number | null; last?: number | null };

/** Rejects page sizes outside 0..MAX_PAGE_SIZE instead of silently clamping them. */
export function checkPage(args: PageArgs): void {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`Argument "${name}" must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`, {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
  }
}

export function badArgument(name: string, problem: string): GraphQLError {
  return new GraphQLError(`Argument "${name}" ${problem}.`, { extensions: { code: "BAD_USER_INPUT" } });
}
