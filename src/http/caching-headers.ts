// HTTP caching of GET queries. A public answer carries a strong ETag (a hash of the bytes sent, so
// equal answers get equal tags on every instance) and `Cache-Control: public, no-cache`: any cache may
// keep it but must revalidate before each use, which costs a 304 without a body and never serves
// an answer older than the database. A request with an Authorization header never gets an ETag
// or a 304 and is answered `private, no-store`.
import { hash } from "node:crypto";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { pathnameOf } from "./routes.js";

const PUBLIC = "public, no-cache";
const PRIVATE = "private, no-store";
/** The media types of an answer sent whole, as one JSON document. */
const JSON_ANSWER = /^application\/(graphql-response\+)?json\b/;

/** A result with the serialiser Yoga uses in place of JSON.stringify (graphql-yoga's stringify.js). */
type Stringifiable = { stringify?: (value: unknown) => string };

/** For responses of the GraphQL endpoint only; other pages set their own. */
export function useCachingHeaders(endpoint: string): Plugin {
  /** Each answer's tag, computed once per answer object: a cached answer is served many times, as
   * the same object with the same text. */
  const tagOfData = new WeakMap<object, string>();
  const tagOfRequest = new WeakMap<Request, string>();
  // Marked as they arrive: a plugin that answers in onRequest (GraphiQL's files, /ready) keeps
  // the later onRequest hooks from seeing its request, but not the onResponse hooks.
  const graphql = new WeakSet<Request>();
  return {
    onRequest({ request }) {
      if (pathnameOf(request.url) === endpoint) graphql.add(request);
    },
    onResultProcess({ request, result, setResult }) {
      if (request.method !== "GET" || request.headers.has("authorization")) return;
      if (isAsyncIterable(result) || Array.isArray(result)) return;
      if (result.errors?.length || !result.data || typeof result.data !== "object") return;
      const data = result.data;
      // Yoga serialises the answer through the result's `stringify` when it has one: the tag is
      // made from that very text, not from a second serialisation of the data.
      const stringify = (result as Stringifiable).stringify ?? JSON.stringify;
      setResult({
        ...result,
        stringify: (value: unknown) => {
          const body = stringify(value);
          let tag = tagOfData.get(data);
          if (!tag) {
            tag = `"${hash("sha256", body, "base64url")}"`;
            tagOfData.set(data, tag);
          }
          tagOfRequest.set(request, tag);
          return body;
        },
      } as typeof result);
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (!graphql.has(request)) return;
      if (request.headers.has("authorization")) {
        response.headers.set("Cache-Control", PRIVATE);
        return;
      }
      // The response cache tags what it stores by its own key, which names the request and not
      // the answer: a client could keep an old answer under a tag that a new one then reuses.
      // Looked up first: a delete makes the headers a Map, which costs Node a header-by-header
      // write of every response (whatwg-node writes an untouched init object in one writeHead).
      if (response.headers.has("ETag")) response.headers.delete("ETag");
      if (response.headers.has("Last-Modified")) response.headers.delete("Last-Modified");
      if (request.method !== "GET") return;
      // Only a JSON answer: an event stream's text is not the answer's JSON (and it is made after
      // this runs), and a 304 to a stream would end it unread.
      const tag = JSON_ANSWER.test(response.headers.get("content-type") ?? "") ? tagOfRequest.get(request) : undefined;
      if (!tag || response.status !== 200) {
        response.headers.set("Cache-Control", "no-store");
        return;
      }
      const headers = { ETag: tag, "Cache-Control": PUBLIC, Vary: "Accept, Authorization" };
      if (matches(request.headers.get("if-none-match"), tag)) {
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      response.headers.set("ETag", tag);
      response.headers.set("Cache-Control", PUBLIC);
      response.headers.append("Vary", headers.Vary);
    },
  };
}

/** If-None-Match's weak comparison (RFC 9110, 13.1.2): `*`, or any listed tag, W/ or not. */
function matches(header: string | null, tag: string): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const candidate = part.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === tag;
  });
}
