// What a client may learn from an error: its own mistakes, "the database is unavailable", and
// for everything else "Unexpected error." while the details go to the log with the request id.
import { type ExecutionResult, GraphQLError } from "graphql";
import { handleStreamOrSingleExecutionResult, type Plugin } from "graphql-yoga";
import { type Availability, databaseUnavailableError, isConnectionError } from "../db/availability.js";
import type { Context } from "../graphql/context.js";

/** The cause behind a GraphQLError that wraps a thrown value. */
function originalOf(error: unknown): unknown {
  let current = error;
  for (let hops = 0; hops < 8; hops++) {
    const next = (current as { originalError?: unknown } | undefined)?.originalError;
    if (!next || next === current) break;
    current = next;
  }
  return current;
}

/**
 * Failures of the server's own that a client can act on, with a stable code; undefined for
 * anything else. Checked by name and code, not instanceof (a test runner may load graphql twice).
 */
export function operationalError(error: unknown): GraphQLError | undefined {
  if (isConnectionError(error)) return databaseUnavailableError();
  for (let e = error, hops = 0; e && typeof e === "object" && hops < 8; hops++) {
    // 57014: statement_timeout (or a cancel) ended the query.
    if ((e as { code?: unknown }).code === "57014") {
      return new GraphQLError("The query took too long and was cancelled.", { extensions: { code: "QUERY_TIMEOUT" } });
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
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
  return original.name !== "GraphQLError" && original.name !== "PothosValidationError";
}

/**
 * Logs unexpected errors with the request id before Yoga masks them, reports lost database
 * connections to `availability`, and strips suggestions. Registered before Yoga's masking, so
 * it sees the original errors.
 */
export function useErrorReporting(availability: Availability): Plugin<Context> {
  const inspect = (context: Partial<Context> | undefined, operationName: string | null | undefined) => {
    return ({ result }: { result: ExecutionResult }) => {
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
  };
  return {
    onValidate() {
      return ({ result }) => withoutSuggestions(result);
    },
    onExecute({ args }) {
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, inspect(args.contextValue, args.operationName)),
      };
    },
    onSubscribe({ args }) {
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(payload, inspect(args.contextValue, args.operationName)),
      };
    },
  };
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

/** graphql-ws JSON replacer: drops `extensions.http` (status hints meant for Yoga's HTTP
 * responses, which strips them there) from every message. */
export function withoutHttpExtensions(this: unknown, key: string, value: unknown): unknown {
  if (key !== "extensions" || !value || typeof value !== "object" || !("http" in value)) return value;
  const { http: _http, ...rest } = value as Record<string, unknown>;
  return rest;
}
