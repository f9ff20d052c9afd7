// The WebSocket class of the graphql-ws server: guards on the way in (bytes that are not UTF-8,
// batches) that answer one operation rather than close the socket, and a text send for bytes.
import { isUtf8 } from "node:buffer";
import { WebSocket } from "ws";
import type { TextSocket } from "./ws-sink.js";

type GraphQLWsMessage = { id?: unknown; type?: unknown; payload?: unknown };

/** ws options for bytes that must go out as the text frame their string would have been. */
const AS_TEXT = Object.freeze({ binary: false });

/**
 * A WebSocket that answers two kinds of bad `subscribe` itself, with an `error` for its id, where
 * graphql-ws would close the whole socket: bytes that are not UTF-8 (ws would close with 1007; the
 * server runs with skipUTF8Validation so they reach us) and a batch (an array payload, which
 * graphql-ws closes with 4400). Everything else goes on to graphql-ws unchanged. On the way out,
 * sendText lets src/http/ws-sink.ts send bytes encoded once for many subscribers as text.
 */
export class GuardedWebSocket extends WebSocket implements TextSocket {
  /** UTF-8 bytes, sent as a text frame. */
  sendText(bytes: Buffer): void {
    this.send(bytes, AS_TEXT);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    // ws's own protocol errors (a message over maxPayload, a bad frame): ws has already failed the
    // connection with the right code (1009, 1002…); graphql-ws would only print a stack to stderr.
    if (event === "error" && String((args[0] as { code?: unknown })?.code).startsWith("WS_ERR_")) return true;
    if (event !== "message") return super.emit(event, ...args);
    const data = args[0];
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const valid = isUtf8(bytes);
    const text = bytes.toString("utf8");
    let message: GraphQLWsMessage | undefined;
    try {
      message = JSON.parse(text) as GraphQLWsMessage;
    } catch {
      message = undefined;
    }
    const problem = !valid
      ? "The request is not valid UTF-8."
      : Array.isArray(message?.payload)
        ? "Batching is not supported: send one operation per subscribe message."
        : undefined;
    if (problem && message?.type === "subscribe" && typeof message.id === "string") {
      const error = { message: problem, extensions: { code: "BAD_REQUEST" } };
      this.send(JSON.stringify({ id: message.id, type: "error", payload: [error] }));
      return true;
    }
    // The text already decoded, not the bytes: graphql-ws wants a string, and keeps it for as long
    // as the operation runs; a Buffer held alongside costs ~380 bytes more per subscriber.
    return super.emit(event, text, false);
  }
}
