// graphql-ws serialises every `next` message on its own, so an event shared by 10,000
// subscribers would be turned into JSON 10,000 times. A shared result without errors goes out
// through WsSink instead (src/subscriptions/shared-execution.ts), serialised and encoded to UTF-8
// once for all its subscribers. graphql-ws sends the rest itself: results with errors, and any
// result for a socket that still holds unsent bytes.
import type { ExecutionResult } from "graphql";

/** graphql-ws writes a `next` message as JSON.stringify({ id, type, payload }): the same bytes. */
const ID_PREFIX = '{"id":';
const NEXT_HEAD = ',"type":"next","payload":';
const CLOSE = Buffer.from("}");

/** One app's results as UTF-8 JSON, each encoded once however many subscribers it goes to. */
export class ResultEncoder {
  readonly #encoded = new WeakMap<ExecutionResult, Buffer>();

  encode(result: ExecutionResult): Buffer {
    let payload = this.#encoded.get(result);
    if (payload === undefined) {
      payload = Buffer.from(JSON.stringify(result));
      this.#encoded.set(result, payload);
    }
    return payload;
  }
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
 * would have sent (the same bytes: src/subscriptions/shared-execution.ts yields to graphql-ws only
 * what this does not take). Per result and subscriber that is one buffer and one write, where
 * graphql-ws's emit is an async function, a copy of the result, a message object, its JSON and a
 * promise per send. Only while the socket has nothing unsent: otherwise graphql-ws's send, which
 * waits for the socket, takes the result.
 */
export class WsSink {
  readonly #socket: TextSocket;
  readonly #id: string;
  readonly #encoder: ResultEncoder;

  constructor(socket: TextSocket, id: string, encoder: ResultEncoder) {
    this.#socket = socket;
    this.#id = id;
    this.#encoder = encoder;
  }

  deliver(result: ExecutionResult): boolean {
    const socket = this.#socket;
    if (socket.readyState !== OPEN || socket.bufferedAmount !== 0) return false;
    const head = Buffer.from(`${ID_PREFIX}${JSON.stringify(this.#id)}${NEXT_HEAD}`);
    socket.sendText(Buffer.concat([head, this.#encoder.encode(result), CLOSE]));
    return true;
  }
}
