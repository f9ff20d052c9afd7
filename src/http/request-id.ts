// x-request-id on every HTTP response, so that a person who sees "Unexpected error." can quote
// the id that the service's log carries for it. A caller's own id is kept when it is a sane
// token; otherwise the service makes one.
import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";

export const REQUEST_ID_HEADER = "x-request-id";

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
      onResponse({ request, response }) {
        response.headers.set(REQUEST_ID_HEADER, of(request));
      },
    },
  };
}
