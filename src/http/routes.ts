// Routing of the few paths that are not GraphQL, read from the request's URL string.
//
// Yoga hands onRequest hooks a `url` that parses `request.url` anew on every property read, and
// its useReadinessCheck also tests each request against a URLPattern: on `{ __typename }` those
// parses were about a tenth of the service's own CPU per request, for requests that are almost
// all POST /graphql.
import type { Plugin } from "graphql-yoga";

/**
 * The path of an absolute URL as the request line gave it, without query or fragment. It is not
 * normalised (no dot segments resolved, no percent-decoding): routes compare it with the exact
 * paths they serve, and anything else falls through to Yoga, which answers 404.
 */
export function pathnameOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = url.indexOf("/", scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return "/";
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query !== -1) end = query;
  const fragment = url.indexOf("#", start);
  if (fragment !== -1 && fragment < end) end = fragment;
  return url.slice(start, end);
}

/** `endpoint` answers 200 while `check` says the service can take traffic, 503 otherwise. */
export function useReadiness(endpoint: string, check: () => Promise<boolean>): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (pathnameOf(request.url) !== endpoint) return;
      return check().then(
        (ready) => endResponse(new fetchAPI.Response(null, { status: ready ? 200 : 503 })),
        () => endResponse(new fetchAPI.Response(null, { status: 503 })),
      );
    },
  };
}
