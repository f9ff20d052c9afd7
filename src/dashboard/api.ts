// Queries over HTTP POST to the same origin's /graphql.

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
  ) {
    super(message);
  }
}

/** Runs a query; a response with errors rejects with their messages and codes. */
export async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.errors?.length || !body.data) {
    const errors = body.errors ?? [];
    throw new GraphQLRequestError(
      errors.map((e) => e.message).join(" ") || `HTTP ${response.status}`,
      errors.map((e) => e.extensions?.code ?? ""),
    );
  }
  return body.data;
}
