// What a client may learn from an error: its own mistakes, "the database is unavailable", and
// for everything else "Unexpected error." while the details go to the log with the request id.
import { type ExecutionResult, GraphQLError } from "graphql";
import { handleStreamOrSingleExecutionResult, maskError, type Plugin } from "graphql-yoga";
import { type Availability, databaseUnavailableError, isConnectionError } from "../db/availability.js";
import { errorChain, findInChain } from "../error-chain.js";
import type { Context } from "../graphql/context.js";

/** The thrown value behind a GraphQLError that wraps it (the last `originalError`). */
function originalOf(error: unknown): unknown {
  let original = error;
  for (const link of errorChain(error)) {
    original = link;
    if (!(link as { originalError?: unknown }).originalError) break;
  }
  return original;
}

/**
 * Failures of the server's own that a client can act on, with a stable code; undefined for
 * anything else. Checked by name and code, not instanceof (a test runner may load graphql twice).
 */
export function operationalError(error: unknown): GraphQLError | undefined {
  if (isConnectionError(error)) return databaseUnavailableError();
  // 57014: statement_timeout (or a cancel) ended the query.
  if (!findInChain(error, (link) => (link as { code?: unknown }).code === "57014" || undefined)) return undefined;
  return new GraphQLError("The query took too long and was cancelled.", { extensions: { code: "QUERY_TIMEOUT" } });
}

/** "Did you mean …?" names fields, arguments, types and enum values the client did not ask
 * about; Armor only catches the field form, so every message is cut at the suggestion. */
const SUGGESTION = /\s*Did you mean\b[\s\S]*$/;

function withoutSuggestions(errors: readonly Error[] | undefined): void {
  for (const error of errors ?? []) {
    if (SUGGESTION.test(error.message)) error.message = error.message.replace(SUGGESTION, "");
  }
}

function isUnexpected(error: GraphQLError): boolean {
  const original = originalOf(error);
  if (original === error || !(original instanceof Error)) return false;
  if (refusedByDatabase(original)) return false;
  return original.name !== "GraphQLError" && original.name !== "PothosValidationError";
}

/**
 * A client's input that the database refused where our own checks (src/graphql/search.ts) should
 * have caught it first: still the client's mistake, with a message that says so.
 */
function refusedByDatabase(error: unknown): GraphQLError | undefined {
  for (let e = error, hops = 0; e && typeof e === "object" && hops < 8; hops++) {
    // "stack too small" up to PostgreSQL 16, "is too complex" from 17 (PGlite).
    if (/tsquery (stack too small|is too complex)/.test(String((e as { message?: unknown }).message))) {
      return new GraphQLError('Argument "search" is too complex: it nests too many operators.', {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export type ErrorReporter = (
  result: ExecutionResult,
  context: Partial<Context> | undefined,
  operationName: string | null | undefined,
) => void;

/**
 * Logs unexpected errors with the request id (before they are masked: it needs the originals),
 * reports lost database connections to `availability`, and strips suggestions.
 */
export function errorReporter(availability: Availability): ErrorReporter {
  return (result, context, operationName) => {
    withoutSuggestions(result.errors);
    for (const error of result.errors ?? []) {
      const original = originalOf(error);
      if (isConnectionError(original)) availability.lost();
      if (isUnexpected(error)) {
        context?.log?.error(
          { err: original, path: error.path, operationName, requestId: context.requestId },
          "unexpected error",
        );
      }
    }
  };
}

/**
 * `errorReporter` for queries and mutations, registered before Yoga's masking so that it sees
 * the original errors. Subscription events are reported where they are executed, once per
 * event rather than once per subscriber (src/subscriptions/shared-execution.ts).
 */
export function useErrorReporting(report: ErrorReporter): Plugin<Context> {
  return {
    onValidate() {
      return ({ result }) => withoutSuggestions(result);
    },
    onExecute({ args }) {
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) =>
            report(result, args.contextValue, args.operationName),
          ),
      };
    },
  };
}

const CLIENT_CODES: ReadonlySet<string> = new Set(["BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN"]);

/**
 * Errors about the client's own input are safe to show: Pothos's validation errors and our
 * GraphQLErrors with a client code. Checked by name and code, not instanceof, because a test
 * runner may load a second copy of graphql.
 */
function clientError(error: unknown): GraphQLError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === "PothosValidationError") {
    return new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } });
  }
  const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
  if (error.name === "GraphQLError" && typeof extensions?.code === "string" && CLIENT_CODES.has(extensions.code)) {
    return new GraphQLError(error.message, { extensions });
  }
  return undefined;
}

/**
 * Yoga's maskError, letting through the client's own mistakes and our operational errors
 * (database unavailable, query timeout). Never a stack or an original message otherwise,
 * whatever NODE_ENV says. Idempotent: a masked error passes unchanged.
 */
export function maskGraphqlError(error: unknown, message = "Unexpected error."): Error {
  const original = (error as { originalError?: unknown }).originalError ?? error;
  const shown = clientError(original) ?? refusedByDatabase(original) ?? operationalError(original);
  if (shown) {
    // Kept (with the code added) rather than replaced: Yoga logs every error it has to
    // replace, and a client's own mistakes should not fill the log with stacks.
    const located = error as GraphQLError;
    if (located.name === "GraphQLError" && located.message === shown.message) {
      return Object.assign(located, { extensions: { ...located.extensions, ...shown.extensions } });
    }
    const { nodes, path } = error as GraphQLError;
    return new GraphQLError(shown.message, { extensions: shown.extensions, nodes, path });
  }
  return maskError(error, message, false);
}

/** While the database is known to be down, operations are answered at once. */
export function useDatabaseGate(availability: Availability): Plugin {
  return {
    onExecute({ setResultAndStopExecution }) {
      if (!availability.available) setResultAndStopExecution({ errors: [databaseUnavailableError()] });
    },
    onSubscribe({ setResultAndStopExecution }) {
      if (!availability.available) setResultAndStopExecution({ errors: [databaseUnavailableError()] });
    },
  };
}

/** An error without `extensions.http`: a status hint for Yoga's HTTP responses (which drops it
 * there) that means nothing in a WebSocket message. */
export function withoutHttpExtension<E extends GraphQLError>(error: E): E | GraphQLError {
  const extensions = error.extensions as Record<string, unknown> | undefined;
  if (!extensions || !("http" in extensions)) return error;
  const { http: _http, ...rest } = extensions;
  const { nodes, source, positions, path, originalError } = error;
  return new GraphQLError(error.message, { nodes, source, positions, path, originalError, extensions: rest });
}

/** `result` with every error `withoutHttpExtension`; the same object when none has one. */
export function withoutHttpExtensions<R extends ExecutionResult>(result: R): R {
  const errors = result.errors;
  if (!errors?.some((e) => e.extensions && "http" in e.extensions)) return result;
  return { ...result, errors: errors.map(withoutHttpExtension) };
}
