// GraphQL Armor's cost rule multiplies by `first`/`last` only when they are literals (its
// cost-limit 2.4 has no option to read variables), and Yoga caches validation per document, so a
// validation rule cannot see variables either. Before an operation runs, it is priced again with
// its page-size variables written in as literals, by Armor's own rule with the same options.
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import {
  type ArgumentNode,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  type ValidationRule,
  type VariableDefinitionNode,
  validate,
  visit,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { costLimitOptions } from "./limits.js";

const isPageSize = (node: ArgumentNode) => node.name.value === "first" || node.name.value === "last";

/** By document (Yoga keeps one object per query text) and operation: the variables it gives as
 * `first` or `last`, found once rather than by a walk of the document on every request. */
const pageSizeDefinitions = new WeakMap<DocumentNode, Map<OperationDefinitionNode, VariableDefinitionNode[]>>();

function pageSizeVariables(document: DocumentNode, operation: OperationDefinitionNode): VariableDefinitionNode[] {
  let byOperation = pageSizeDefinitions.get(document);
  if (!byOperation) {
    byOperation = new Map();
    pageSizeDefinitions.set(document, byOperation);
  }
  let definitions = byOperation.get(operation);
  if (!definitions) {
    const used = new Set<string>();
    visit(document, {
      Argument(node) {
        if (isPageSize(node) && node.value.kind === Kind.VARIABLE) used.add(node.value.name.value);
      },
    });
    definitions = (operation.variableDefinitions ?? []).filter((definition) =>
      used.has(definition.variable.name.value),
    );
    byOperation.set(operation, definitions);
  }
  return definitions;
}

/**
 * Armor's cost errors for the operation that will run, with the values of variables given as
 * `first` or `last` (sent, or their defaults) priced as the same literals would be. None when
 * no page size comes from a variable, or when the variables do not coerce (execution reports that).
 */
export function variableCostErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: unknown,
): readonly GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  // Most operations declare no variables: nothing to price again.
  if (!operation?.variableDefinitions?.length) return [];
  const definitions = pageSizeVariables(document, operation);
  if (definitions.length === 0) return [];
  const inputs = typeof variables === "object" && variables !== null ? (variables as Record<string, unknown>) : {};
  const coerced = getVariableValues(schema, definitions, inputs);
  if (coerced.errors) return [];
  const values = coerced.coerced;
  // Fragments use the operation's variables: they are rewritten too.
  const priced = visit(document, {
    Argument(node) {
      if (!isPageSize(node) || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = values[node.value.name.value];
      if (!Number.isInteger(value)) return undefined;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
  // Only the operation that runs: another in the same document has its own variables.
  const index = document.definitions.indexOf(operation);
  const kept = priced.definitions.filter(
    (definition: DefinitionNode, i) => i === index || definition.kind === Kind.FRAGMENT_DEFINITION,
  );
  const rule = costLimitRule(costLimitOptions) as unknown as ValidationRule;
  return validate(schema, { ...priced, definitions: kept }, [rule]);
}

/**
 * HTTP (GET, POST, SSE): the price with variables, checked as execution begins, before any
 * plugin that reads or writes. A refusal is answered as Armor's validation errors are (Yoga's
 * status 400 for `application/graphql-response+json`). graphql-ws prices in its onSubscribe
 * (src/app.ts), so that a refusal is an `error` message as validation's are, and its
 * subscriptions never reach this hook; its queries and mutations pass here a second time.
 */
export function useVariableCost(): Plugin {
  const check = (
    args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: unknown },
    stop: (result: { errors: readonly GraphQLError[] }) => void,
  ) => {
    const errors = variableCostErrors(args.schema, args.document, args.operationName, args.variableValues);
    if (errors.length === 0) return;
    for (const error of errors) {
      Object.assign(error.extensions, { http: { spec: true, status: 400 } });
    }
    stop({ errors });
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
  };
}
