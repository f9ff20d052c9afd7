// GET /ready: 200 while the service takes traffic, 503 while it drains or the database is away.
// Yoga's useReadinessCheck also matches every other request against a URLPattern, which cost
// ~2 % of a `{ __typename }` request; a path comparison is all this needs.
import type { Plugin } from "graphql-yoga";

export function useReadiness(path: string, ready: () => Promise<boolean>): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      return ready().then(
        (up) => endResponse(new fetchAPI.Response(null, { status: up ? 200 : 503 })),
        () => endResponse(new fetchAPI.Response(null, { status: 503 })),
      );
    },
  };
}
