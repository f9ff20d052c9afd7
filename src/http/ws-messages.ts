// graphql-ws serialises every `next` message on its own, so an event shared by 10,000
// subscribers was turned into JSON 10,000 times. Here a result is serialised once (results are
// shared per operation and event, src/feed/shared-execution.ts), and encoded to UTF-8 once.
// Most results go out through WsSink, which writes the `next` message itself. The rest (results
// with errors, or for a socket with unsent bytes) go through graphql-ws: it is handed a
// placeholder payload, and the socket sends its message with the encoded result in the
// placeholder's place.
import type { ExecutionResult, FormattedExecutionResult } from "graphql";

/** Not a key a GraphQL result can have, so a placeholder is never mistaken for a result. */
const PLACEHOLDER = Object.freeze({ "\u0000shared": 1 }) as unknown as FormattedExecutionResult;
export const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

/** graphql-ws writes a `next` message as JSON.stringify({ id, type, payload }): this is its
 * start and, with the placeholder as payload, its end. */
const ID_PREFIX = '{"id":';
const NEXT_SUFFIX = `,"type":"next","payload":${PLACEHOLDER_JSON}}`;
const NEXT_HEAD = ',"type":"next","payload":';
const CLOSE = Buffer.from("}");

const serialised = new WeakMap<ExecutionResult, Buffer>();

/** A socket that sends `payload` (UTF-8 JSON) for subscription `id` in place of the placeholder. */
export type SubstitutingSocket = { substitute(id: string, payload: Buffer): void };

/** The key a payload waits under: the subscription id as JSON, as it appears in the message. */
export const payloadKey = (id: string): string => JSON.stringify(id);

/**
 * graphql-ws `onNext`: hands the socket this subscription's serialised result and returns the
 * placeholder that graphql-ws will stringify instead of the result.
 */
export function nextMessage(socket: SubstitutingSocket, id: string, result: ExecutionResult): FormattedExecutionResult {
  socket.substitute(id, encoded(result));
  return PLACEHOLDER;
}

/** `result` as UTF-8 JSON, encoded once however many subscribers it goes to. */
function encoded(result: ExecutionResult): Buffer {
  let payload = serialised.get(result);
  if (payload === undefined) {
    payload = Buffer.from(JSON.stringify(result));
    serialised.set(result, payload);
  }
  return payload;
}

/** A socket that sends UTF-8 bytes as a text frame, now. */
export type TextSocket = {
  readonly readyState: number;
  readonly bufferedAmount: number;
  sendText(bytes: Buffer): void;
};

const OPEN = 1;

/**
 * Sends one subscription's results straight to its socket, as the `next` messages graphql-ws
 * would have sent (the same bytes: src/feed/shared-execution.ts yields to graphql-ws only what
 * this does not take). Per result and subscriber that is one buffer and one write, where
 * graphql-ws's emit is an async function, a copy of the result, a message object, its JSON and a
 * promise per send. Only while the socket has nothing unsent: otherwise graphql-ws's send, which
 * waits for the socket, takes the result.
 */
export class WsSink {
  readonly #socket: TextSocket;
  readonly #id: string;

  constructor(socket: TextSocket, id: string) {
    this.#socket = socket;
    this.#id = id;
  }

  deliver(result: ExecutionResult): boolean {
    const socket = this.#socket;
    if (socket.readyState !== OPEN || socket.bufferedAmount !== 0) return false;
    const head = Buffer.from(`${ID_PREFIX}${payloadKey(this.#id)}${NEXT_HEAD}`);
    socket.sendText(Buffer.concat([head, encoded(result), CLOSE]));
    return true;
  }
}

/**
 * The message to send for `data`: a `next` message carrying the placeholder becomes the same
 * message (UTF-8, to be sent as a text frame) with the serialised result; anything else is sent
 * as it is. The id is read off the message's known shape, with no parse per subscriber; a
 * message of another shape that holds the placeholder is parsed.
 */
export function substituted(data: string, payloads: Map<string, Buffer> | undefined): string | Buffer {
  if (!payloads?.size) return data;
  let key: string | undefined;
  if (data.startsWith(ID_PREFIX) && data.endsWith(NEXT_SUFFIX)) {
    key = data.slice(ID_PREFIX.length, data.length - NEXT_SUFFIX.length);
  } else if (data.includes(PLACEHOLDER_JSON)) {
    const message = JSON.parse(data) as { id?: unknown; type?: unknown };
    if (message.type === "next" && typeof message.id === "string") key = payloadKey(message.id);
  }
  const payload = key === undefined ? undefined : payloads.get(key);
  if (key === undefined || payload === undefined) return data;
  payloads.delete(key);
  return Buffer.concat([Buffer.from(`${ID_PREFIX}${key}${NEXT_HEAD}`), payload, CLOSE]);
}
