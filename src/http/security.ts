// CSRF prevention and origin checks. Credentials travel only in the Authorization header and the
// connection_init payload, never in cookies, so a forged browser request carries no admin
// rights; these checks are defence in depth against requests a browser sends without asking
// (forms, <img>, <script>), while curl, servers and fetch() with JSON work unchanged.
import type { IncomingMessage } from "node:http";
import { createGraphQLError, type Plugin } from "graphql-yoga";

/** Any of these headers makes a browser preflight the request, so its origin was allowed. */
export const PREFLIGHT_HEADERS = ["x-graphql-csrf", "x-graphql-yoga-csrf", "apollo-require-preflight"];

/** Content types a browser may POST cross-site without a preflight. */
const SIMPLE_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);

function forbidden(message: string) {
  return createGraphQLError(message, { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
}

/**
 * - POST must carry a content type a form cannot send (JSON, application/graphql) or a
 *   preflight header.
 * - GET runs queries only (Yoga refuses mutations on GET). A browser's cross-site GET (an
 *   <img> or <script> on another site, marked by Fetch Metadata `Sec-Fetch-Site`) needs a
 *   preflight header; clients that send no Fetch Metadata (curl, servers) and same-origin pages
 *   such as GraphiQL are unaffected.
 * - When ALLOWED_ORIGINS is set, a request with an Origin outside it is refused.
 */
export function useCsrfPrevention(allowedOrigins: readonly string[] | undefined): Plugin {
  return {
    onRequestParse({ request }) {
      const origin = request.headers.get("origin");
      if (allowedOrigins && origin && !allowedOrigins.includes(origin)) {
        throw forbidden("This origin is not allowed.");
      }
      if (PREFLIGHT_HEADERS.some((name) => request.headers.has(name))) return;
      if (request.method === "POST") {
        const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
        if (!type || SIMPLE_TYPES.has(type)) {
          throw createGraphQLError("POST requests must be sent as application/json.", {
            extensions: { code: "BAD_REQUEST", http: { status: 415 } },
          });
        }
      } else if (request.method === "GET") {
        const site = request.headers.get("sec-fetch-site");
        if (site === "cross-site" || site === "same-site") {
          throw forbidden(`Cross-site GET requests need one of the headers ${PREFLIGHT_HEADERS.join(", ")}.`);
        }
      }
    },
  };
}

/** ws verifyClient: browsers always send Origin on a WebSocket upgrade (and CORS does not
 * apply to WebSockets), so with ALLOWED_ORIGINS set a foreign page cannot open a socket. */
export function allowWebSocketOrigin(allowedOrigins: readonly string[] | undefined) {
  return ({ origin }: { origin: string; req: IncomingMessage }): boolean =>
    !allowedOrigins || !origin || allowedOrigins.includes(origin);
}
