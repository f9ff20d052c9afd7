// Raw clients for hostile input: bytes exactly as given over HTTP, SSE and graphql-ws, with no
// client library to clean them up first.
import { WebSocket } from "ws";
import { until } from "./until.js";

export type Answer = {
  status: number;
  /** Parsed GraphQL payloads: one for JSON, each `next` event for SSE; empty for non-JSON. */
  payloads: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }[];
  text: string;
};

/** Sends a request and reads the whole answer; SSE streams are read until `complete`. */
export async function send(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const payloads: Answer["payloads"] = [];
  if (type.includes("text/event-stream")) {
    for (const block of text.split("\n\n")) {
      const event = /^event: (\w+)/m.exec(block)?.[1];
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trim())
        .join("\n");
      if (event === "next" && data) payloads.push(JSON.parse(data));
    }
  } else if (type.includes("json")) {
    payloads.push(JSON.parse(text));
  }
  return { status: response.status, payloads, text };
}

type Message = { id?: string; type: string; payload?: unknown };

/** A graphql-transport-ws connection driven message by message. */
export class RawSocket {
  readonly socket: WebSocket;
  readonly messages: Message[] = [];
  /** Messages that came as binary frames: graphql-ws speaks text, and a browser would hand a
   * binary frame to the client as a Blob. */
  binaryFrames = 0;
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data, isBinary) => {
      if (isBinary) this.binaryFrames++;
      this.messages.push(JSON.parse(String(data)) as Message);
      this.wake();
    });
    socket.on("close", (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
  }

  static async open(url: string, options: { init?: boolean; headers?: Record<string, string> } = {}) {
    const socket = new WebSocket(url, "graphql-transport-ws", { headers: options.headers });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const raw = new RawSocket(socket);
    if (options.init ?? true) {
      raw.sendJson({ type: "connection_init", payload: {} });
      await raw.waitFor((m) => m.type === "connection_ack");
    }
    return raw;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  sendJson(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends bytes as a text frame, valid UTF-8 or not. */
  sendRaw(bytes: Buffer | string): void {
    this.socket.send(bytes, { binary: false });
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  async waitFor(match: (m: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed ${this.closed.code} ${this.closed.reason}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a message");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    await until(() => this.closed !== undefined, timeoutMs, "the socket's close");
    return this.closed as { code: number; reason: string };
  }

  /** Every message for one operation id until it ends (`complete` or `error`). */
  async operation(id: string, timeoutMs = 10_000): Promise<Message[]> {
    await this.waitFor((m) => m.id === id && (m.type === "complete" || m.type === "error"), timeoutMs);
    return this.messages.filter((m) => m.id === id);
  }

  close(): void {
    this.socket.close();
  }
}
