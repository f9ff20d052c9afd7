// The CLIs' way through a running service (--url): GraphQL over HTTP with an admin token, for
// the jobs that must not open the database beside it (the embedded one allows one process).

/** The service could not do the job at all: unreachable, not GraphQL, or the token refused. */
export class RemoteError extends Error {
  override name = "RemoteError";
}

export type GraphQLErrorBody = { message: string; extensions?: { code?: string } };
export type RemoteResult<T> = { data?: T | null; errors?: GraphQLErrorBody[] };
export type Remote = <T>(query: string, variables?: Record<string, unknown>) => Promise<RemoteResult<T>>;

/** Codes that mean the caller, not the operation, is wrong: no record can succeed after them. */
const FATAL_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN", "DATABASE_UNAVAILABLE", "SERVICE_UNAVAILABLE"]);

/** How the CLIs find their admin token when talking to a service. */
export const TOKEN_HELP = "the admin token comes from --token or EXCHANGE_GRAPH_TOKEN";

export function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RemoteError(`--url must be the service's GraphQL URL, like http://127.0.0.1:4000/graphql; got ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new RemoteError(`--url must be an http(s) URL; got ${url}`);
  }
  return parsed.toString();
}

/**
 * A client of the service at `url`. Answers with GraphQL errors come back to the caller, unless
 * their code says nothing can work (no token, a refused one): those throw a RemoteError.
 */
export function remote(url: string, token: string | undefined): Remote {
  if (!token) throw new RemoteError(`No admin token to send to ${url}: ${TOKEN_HELP}.`);
  const endpoint = checkUrl(url);
  return async <T>(query: string, variables: Record<string, unknown> = {}) => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new RemoteError(`Cannot reach the service at ${endpoint}: ${cause}`);
    }
    const text = await response.text();
    let body: RemoteResult<T>;
    try {
      body = JSON.parse(text) as RemoteResult<T>;
    } catch {
      throw new RemoteError(`${endpoint} answered HTTP ${response.status}, not GraphQL: ${text.slice(0, 200)}`);
    }
    const fatal = body.errors?.find((e) => FATAL_CODES.has(e.extensions?.code ?? ""));
    if (fatal) throw new RemoteError(`The service at ${endpoint} refused: ${fatal.message}`);
    if (response.status >= 500) {
      throw new RemoteError(`The service at ${endpoint} failed (HTTP ${response.status}): ${messages(body)}`);
    }
    return body;
  };
}

export function messages(result: RemoteResult<unknown>): string {
  return (result.errors ?? []).map((e) => e.message).join("; ") || "no data in the answer";
}
