// The HTTP request body, read once with its size capped. Yoga's own cap (maxRequestBodySize)
// pipes every body through a TransformStream, and the Node stream pipeline under it makes an
// AbortController and a DOMException per request: a fifth of the CPU of a small query. A body
// with a Content-Length cannot be longer than it says (Node's HTTP parser stops there), so only
// a chunked body needs counting as it arrives.
import { createGraphQLError } from "graphql-yoga";

const CONTENT_LENGTH = /^\d+$/;

/** Yoga's answers, word for word, so that clients see no change. */
export const bodyTooLarge = () =>
  createGraphQLError("Request body too large", {
    extensions: { http: { status: 413 }, code: "REQUEST_ENTITY_TOO_LARGE" },
  });
const invalidContentLength = () =>
  createGraphQLError("Content-Length header is invalid.", {
    extensions: { http: { status: 400 }, code: "BAD_REQUEST" },
  });

/** Refuses, before anything is read, a request whose Content-Length is malformed or over `limit`. */
export function checkContentLength(request: Request, limit: number): void {
  const declared = request.headers.get("content-length");
  if (declared === null) return;
  if (!CONTENT_LENGTH.test(declared)) throw invalidContentLength();
  if (Number(declared) > limit) throw bodyTooLarge();
}

/** The whole body; past `limit` bytes a chunked body is cancelled and refused with 413. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  checkContentLength(request, limit);
  if (request.headers.has("content-length") || !request.body) return new Uint8Array(await request.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
