// x-request-id on every HTTP response, so that a person who sees "Unexpected error." can quote
// the id that the service's log carries for it. A caller's own id is kept when it is a sane
// token; otherwise the service makes one.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Plugin } from "graphql-yoga";

export const REQUEST_ID_HEADER = "x-request-id";

/** What whatwg-node's node:http adapter puts in the server context. */
type NodeContext = { res?: ServerResponse } | undefined;

/** What a caller may send as its own id: short, and safe to echo and log. */
const SANE_ID = /^[\w.:@/+=-]{1,100}$/;

export type RequestIds = {
  plugin: Plugin;
  /** The id of an HTTP request (the caller's or a new one); a new one without a request. */
  of(request: Request | undefined): string;
};

export function requestIds(): RequestIds {
  // Per app instance: one id per request, shared by the context, the log and the response.
  const ids = new WeakMap<Request, string>();
  const make = (request: Request | undefined): string => {
    const own = request?.headers.get(REQUEST_ID_HEADER);
    // randomUUID() returns a tree of ~20 concatenated strings; a subscription keeps its context
    // for its whole life, so keep a flat copy instead.
    return own && SANE_ID.test(own) ? own : randomUUID().normalize();
  };
  const of = (request: Request | undefined): string => {
    if (!request) return make(undefined);
    let id = ids.get(request);
    if (id === undefined) {
      id = make(request);
      ids.set(request, id);
    }
    return id;
  };
  return {
    of,
    plugin: {
      // Over node:http the header goes on the Node response before anything answers, so it is on
      // every response, and the response's own headers stay untouched: whatwg-node then writes
      // them in one writeHead instead of header by header. Other servers (yoga.fetch) get it here.
      onRequest({ request, serverContext }) {
        const res = (serverContext as NodeContext)?.res;
        if (res && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, of(request));
      },
      // Yoga's own plugins (/health, the GraphiQL page) may answer before onRequest gets here.
      onResponse({ request, response, serverContext }) {
        const res = (serverContext as NodeContext)?.res;
        if (!res) response.headers.set(REQUEST_ID_HEADER, of(request));
        else if (!res.headersSent && !res.hasHeader(REQUEST_ID_HEADER)) res.setHeader(REQUEST_ID_HEADER, of(request));
      },
    },
  };
}
