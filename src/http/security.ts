// CSRF prevention and origin checks. Credentials travel only in the Authorization header and the
// connection_init payload, never in cookies, so a forged browser request carries no admin
// rights; these checks are defence in depth against requests a browser sends without asking
// (forms, <img>, <script>), while curl, servers and fetch() with JSON work unchanged.
import type { IncomingMessage } from "node:http";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { REQUEST_ID_HEADER } from "./request-id.js";

/** Any of these headers makes a browser preflight the request, so its origin was allowed. */
export const PREFLIGHT_HEADERS = ["x-graphql-csrf", "x-graphql-yoga-csrf", "apollo-require-preflight"];

/** Content types a browser may POST cross-site without a preflight. */
const SIMPLE_TYPES: ReadonlySet<string> = new Set([
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
]);

function forbidden(message: string) {
  return createGraphQLError(message, { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
}

/**
 * - POST must carry a content type a form cannot send (JSON, application/graphql) or a
 *   preflight header.
 * - GET runs queries only (Yoga refuses mutations on GET). A browser's cross-site GET without
 *   an allowed Origin (an <img> or <script> on another site, marked by Fetch Metadata
 *   `Sec-Fetch-Site`) needs a preflight header. GETs from the same origin, from the same site
 *   (another port of the same host) and from an origin in ALLOWED_ORIGINS work as browser
 *   clients send them by default (urql, Apollo's useGETForQueries, EventSource); clients that
 *   send no Fetch Metadata (curl, servers) are unaffected.
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
        // A no-cors request (<img>, <script>) sends no Origin on GET, so it never passes here.
        const allowedCrossSite = allowedOrigins !== undefined && origin !== null;
        if (site === "cross-site" && !allowedCrossSite) {
          throw forbidden(`Cross-site GET requests need one of the headers ${PREFLIGHT_HEADERS.join(", ")}.`);
        }
      }
    },
  };
}

/** Browsers may cache a preflight this long (Chromium caps it at two hours). */
const PREFLIGHT_MAX_AGE_S = 7200;

/** CORS: ALLOWED_ORIGINS, or any origin when unset; responses expose their request id. */
export function corsOptions(allowedOrigins: readonly string[] | undefined) {
  return {
    origin: allowedOrigins ? [...allowedOrigins] : undefined,
    maxAge: PREFLIGHT_MAX_AGE_S,
    exposedHeaders: [REQUEST_ID_HEADER],
  };
}

/** ws verifyClient: browsers always send Origin on a WebSocket upgrade (and CORS does not
 * apply to WebSockets), so with ALLOWED_ORIGINS set a foreign page cannot open a socket. */
export function allowWebSocketOrigin(allowedOrigins: readonly string[] | undefined) {
  return ({ origin }: { origin: string; req: IncomingMessage }): boolean =>
    !allowedOrigins || !origin || allowedOrigins.includes(origin);
}
