// graphql-ws serialises every `next` message on its own, so an event shared by 10,000
// subscribers was turned into JSON 10,000 times. Here a result is serialised once (results are
// shared per operation and event, src/feed/shared-execution.ts): graphql-ws is handed a
// placeholder payload, and the socket puts the serialised result in its place as it sends.
import type { ExecutionResult, FormattedExecutionResult } from "graphql";

/** Not a key a GraphQL result can have, so a placeholder is never mistaken for a result. */
const PLACEHOLDER = Object.freeze({ "\u0000shared": 1 }) as unknown as FormattedExecutionResult;
export const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

const serialised = new WeakMap<ExecutionResult, string>();

/** A socket that sends `payload` (JSON) for subscription `id` in place of the placeholder. */
export type SubstitutingSocket = { substitute(id: string, payload: string): void };

/**
 * graphql-ws `onNext`: hands the socket this subscription's serialised result and returns the
 * placeholder that graphql-ws will stringify instead of the result.
 */
export function nextMessage(socket: SubstitutingSocket, id: string, result: ExecutionResult): FormattedExecutionResult {
  let payload = serialised.get(result);
  if (payload === undefined) {
    payload = JSON.stringify(result);
    serialised.set(result, payload);
  }
  socket.substitute(id, payload);
  return PLACEHOLDER;
}

/**
 * The message to send for `data`: a `next` message carrying the placeholder becomes the same
 * message with the serialised result; anything else is sent as it is.
 */
export function substituted(data: string, payloads: Map<string, string> | undefined): string {
  if (!payloads?.size || !data.includes(PLACEHOLDER_JSON)) return data;
  const message = JSON.parse(data) as { id?: unknown; type?: unknown };
  const payload = typeof message.id === "string" ? payloads.get(message.id) : undefined;
  if (message.type !== "next" || payload === undefined) return data;
  payloads.delete(message.id as string);
  return `{"id":${JSON.stringify(message.id)},"type":"next","payload":${payload}}`;
}
