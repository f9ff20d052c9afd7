// The page size of every connection: its bounds, and the two places a size arrives. A literal
// (`first: 500`) is refused at validation, before GraphQL Armor's cost rule, which multiplies by
// it and would report a cost instead of the actual mistake; a variable is refused when the
// connection resolves (checkPage). The builder's maxConnectionSize only clamps what these let by.
import { type ASTVisitor, GraphQLError, Kind, type ValidationContext, visit } from "graphql";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

type PageArgs = { first?: number | null; last?: number | null };

function outOfRange(name: string, value: number): string | undefined {
  if (value >= 0 && value <= MAX_PAGE_SIZE) return undefined;
  return `Argument "${name}" must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`;
}

/** Rejects page sizes outside 0..MAX_PAGE_SIZE instead of silently clamping them. */
export function checkPage(args: PageArgs): void {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    const problem = value == null ? undefined : outOfRange(name, value);
    if (problem) throw new GraphQLError(problem, { extensions: { code: "BAD_USER_INPUT" } });
  }
}

/** A literal page size out of range, as a validation error. */
export function pageSizeRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      visit(operation, {
        Argument(node) {
          if ((node.name.value !== "first" && node.name.value !== "last") || node.value.kind !== Kind.INT) return;
          const problem = outOfRange(node.name.value, Number(node.value.value));
          if (problem) {
            context.reportError(new GraphQLError(problem, { nodes: [node], extensions: { code: "BAD_USER_INPUT" } }));
          }
        },
      });
    },
  };
}

export function badArgument(name: string, problem: string): GraphQLError {
  return new GraphQLError(`Argument "${name}" ${problem}.`, { extensions: { code: "BAD_USER_INPUT" } });
}
