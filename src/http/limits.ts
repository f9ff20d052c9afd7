// What one request may cost, the same on every transport: GraphQL Armor's document limits,
// our own rules for what Armor does not cover, and the byte-level guards of HTTP and graphql-ws.
import { Buffer, isUtf8 } from "node:buffer";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLArmorRejectCallback } from "@escape.tech/graphql-armor-types";
import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { createGraphQLError, type GraphQLParams, type Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import { MAX_PAGE_SIZE, pageSizeRule } from "../graphql/pagination.js";
import { checkContentLength, readBody } from "./body.js";

export const LIMITS = {
  /** HTTP request body (POST, SSE): larger bodies get 413 (src/http/body.ts). */
  bodyBytes: 1024 * 1024,
  /** One graphql-ws operation (query + variables + extensions); larger ones get an `error`. */
  operationBytes: 1024 * 1024,
  /** One WebSocket message; beyond it ws closes the socket with 1009 (Message Too Big). */
  wsMaxPayload: 4 * 1024 * 1024,
  /** graphql-ws: operations running at once on one socket (subscriptions, mostly). */
  operationsPerSocket: 100,
  /** graphql-ws: a socket that sends no connection_init within this is closed with 4408. */
  connectionInitWaitMs: 3_000,
  depth: 10,
  aliases: 15,
  tokens: 1_000,
  directives: 10,
  /** Armor's estimate; it multiplies by `first`/`last` (literals at validation, variables'
   * values by useVariableCost), so 40 releases four levels deep cost about 14,000. */
  cost: 50_000,
  /** Nesting of arrays and objects inside `variables` and `extensions`. */
  variableDepth: 16,
  /** Items in one list, in variables or literal: no list input needs more than a page. */
  listItems: MAX_PAGE_SIZE,
  /** Nested list fields inside introspection (types > fields > args is 3): stops the
   * `fields { type { fields { type … } } }` cycle that Armor skips with ignoreIntrospection. */
  introspectionListNesting: 3,
} as const;

/**
 * Yoga's caches of parsed documents and of parse errors, keyed by the document's text. Yoga's own
 * keep 1,024 entries each whatever their size, and a document made of one long string literal
 * passes the token limit at up to the body limit, so 1,024 of them would pin a GB. These keep as
 * many entries for as long, and at most `bytes` each, counting 70 bytes per character of the text
 * (a dense document and its syntax tree took 69; one long literal, 1). A document over a tenth of
 * that is parsed again each time it comes.
 */
export function parseCaches(bytes = 32 * 1024 * 1024) {
  const cache = <T extends object>() =>
    new LRUCache<string, T>({
      max: 1024,
      ttl: 60 * 60 * 1000,
      maxSize: bytes,
      maxEntrySize: Math.floor(bytes / 10),
      sizeCalculation: (_value, text) => Math.max(1, text.length * 70),
    });
  return { documentCache: cache<DocumentNode>(), errorCache: cache<object>() };
}

/** Armor's rules report to the validation context instead of throwing, so a rejected document
 * is an ordinary validation error (HTTP 400; a graphql-ws `error` message) next to the others. */
const report: GraphQLArmorRejectCallback = (context, error) => {
  // Armor words every rejection as a "Syntax Error", though these documents parse fine.
  const message = error.message.replace(/^Syntax Error: /, "");
  if (context) context.reportError(new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX" } }));
};
const reported = { propagateOnRejection: false, onReject: [report] };

/** Also used to price an operation with its variables (src/http/variable-cost.ts). */
export const costLimitOptions = { maxCost: LIMITS.cost, ...reported };

export function useArmor(): Plugin {
  return EnvelopArmorPlugin({
    blockFieldSuggestion: { enabled: true, mask: "" },
    maxTokens: { n: LIMITS.tokens },
    maxDepth: { n: LIMITS.depth, flattenFragments: true, ignoreIntrospection: true, ...reported },
    maxAliases: { n: LIMITS.aliases, ...reported },
    maxDirectives: { n: LIMITS.directives, ...reported },
    costLimit: costLimitOptions,
  }) as Plugin;
}

/** `__proto__`, `__typename` and friends as response keys: a client that merges responses into
 * plain objects could be polluted, and the spec reserves the `__` prefix. */
function noReservedAliasesRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.alias?.value.startsWith("__")) {
        context.reportError(
          new GraphQLError(`Alias "${node.alias.value.slice(0, 40)}" is reserved: aliases must not start with "__".`, {
            nodes: [node],
            extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
          }),
        );
      }
    },
  };
}

const INTROSPECTION_LISTS: ReadonlySet<string> = new Set([
  "types",
  "fields",
  "args",
  "inputFields",
  "interfaces",
  "possibleTypes",
  "enumValues",
  "directives",
]);

function introspectionNestingRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Deepest nesting of introspection list fields below a selection set; fragment cycles are
  // cut here (NoFragmentCyclesRule reports them).
  const deepest = (set: SelectionSetNode | undefined, seen: Set<string>, inIntrospection: boolean): number => {
    let max = 0;
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const field = selection as FieldNode;
        const name = field.name.value;
        const inside = inIntrospection || name === "__schema" || name === "__type";
        const own = inside && INTROSPECTION_LISTS.has(name) ? 1 : 0;
        max = Math.max(max, own + deepest(field.selectionSet, seen, inside));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, deepest(selection.selectionSet, seen, inIntrospection));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        max = Math.max(max, deepest(fragment.selectionSet, new Set([...seen, name]), inIntrospection));
      }
    }
    return max;
  };
  return {
    OperationDefinition(node) {
      if (deepest(node.selectionSet, new Set(), false) > LIMITS.introspectionListNesting) {
        context.reportError(
          new GraphQLError(
            `Introspection may nest at most ${LIMITS.introspectionListNesting} list fields (such as types > fields > args).`,
            { nodes: [node], extensions: { code: "QUERY_TOO_COMPLEX" } },
          ),
        );
      }
    },
  };
}

/** Long list literals: `nodes(ids: [...])` costs the server per item, and tokens allow ~900. */
function listSizeRule(context: ValidationContext): ASTVisitor {
  return {
    ListValue(node) {
      if (node.values.length > LIMITS.listItems) {
        context.reportError(
          new GraphQLError(`A list has ${node.values.length} items; at most ${LIMITS.listItems} are allowed.`, {
            nodes: [node],
            extensions: { code: "BAD_USER_INPUT" },
          }),
        );
      }
    },
  };
}

/** Our validation rules beside the spec's and Armor's; registered before Armor's. */
export function useExtraRules(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(pageSizeRule);
      addValidationRule(listSizeRule);
      addValidationRule(noReservedAliasesRule);
      addValidationRule(introspectionNestingRule);
    },
  };
}

/**
 * Validation results by document (Yoga's parse cache hands one object per query text). The
 * schema and every rule are fixed when the server starts (Armor's, ours above), and none reads
 * the request, so a document's result is the same for everyone; Armor's and Yoga's after-hooks
 * still run on it. Yoga's own validation cache (off in app.ts) keys each request by the joined
 * names of its rules before it looks the document up. Last of the plugins that add rules.
 */
export function useValidationCache(): Plugin {
  const results = new WeakMap<DocumentNode, readonly Error[]>();
  return {
    onValidate({ params: { documentAST }, setResult }) {
      const known = results.get(documentAST);
      if (known !== undefined) {
        setResult(known);
        return;
      }
      return ({ result }) => {
        results.set(documentAST, result);
      };
    },
  };
}

/** Depth of nested arrays and objects, iteratively: a hostile value may be nested deeper than
 * the call stack (V8's JSON.parse is not recursive). Stops counting past the limit. */
function shapeOf(value: unknown): { depth: number; longestList: number } {
  let depth = 0;
  let longestList = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, level] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    depth = Math.max(depth, level);
    if (Array.isArray(current)) longestList = Math.max(longestList, current.length);
    if (depth > LIMITS.variableDepth || longestList > LIMITS.listItems) break;
    for (const child of Object.values(current)) stack.push([child, level + 1]);
  }
  return { depth, longestList };
}

type Params = { query?: unknown; variables?: unknown; extensions?: unknown };

/** Checks a request's parameters before parsing; returns the problem, if any. */
export function checkParams(params: Params, options: { bytes?: boolean } = {}): GraphQLError | undefined {
  for (const key of ["variables", "extensions"] as const) {
    const { depth, longestList } = shapeOf(params[key]);
    if (depth > LIMITS.variableDepth) {
      return createGraphQLError(`"${key}" is nested deeper than ${LIMITS.variableDepth} levels.`, {
        extensions: { code: "BAD_REQUEST", http: { status: 400 } },
      });
    }
    if (longestList > LIMITS.listItems) {
      return createGraphQLError(`A list in "${key}" has more than ${LIMITS.listItems} items.`, {
        extensions: { code: "BAD_REQUEST", http: { status: 400 } },
      });
    }
  }
  if (options.bytes) {
    const size =
      (typeof params.query === "string" ? Buffer.byteLength(params.query) : 0) +
      Buffer.byteLength(JSON.stringify(params.variables ?? null)) +
      Buffer.byteLength(JSON.stringify(params.extensions ?? null));
    if (size > LIMITS.operationBytes) {
      return createGraphQLError(`The operation is larger than ${LIMITS.operationBytes} bytes.`, {
        extensions: { code: "REQUEST_ENTITY_TOO_LARGE", http: { status: 413 } },
      });
    }
  }
  return undefined;
}

/** graphql-ws keeps the socket's operations in `subscriptions`, the new one already included. */
export function tooManyOperations(operations: Record<string, unknown>): GraphQLError | undefined {
  if (Object.keys(operations).length <= LIMITS.operationsPerSocket) return undefined;
  return createGraphQLError(`At most ${LIMITS.operationsPerSocket} operations may run at once on one socket.`, {
    extensions: { code: "TOO_MANY_OPERATIONS" },
  });
}

function invalidUtf8(): GraphQLError {
  return createGraphQLError("The request is not valid UTF-8.", {
    extensions: { code: "BAD_REQUEST", http: { status: 400 } },
  });
}

/** A POST that Yoga's JSON parser takes, matched as Yoga matches it (isPOSTJsonRequest). */
function isJsonBody(request: Request): boolean {
  if (request.method !== "POST") return false;
  const type = request.headers.get("content-type")?.split(",")[0];
  return (
    type !== undefined &&
    ["application/json", "application/graphql+json"].some((json) => type === json || type.startsWith(`${json};`))
  );
}

/** The body parsed, when it is a JSON object or array; undefined for anything else. */
function parseJsonObject(body: Uint8Array): GraphQLParams | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
    return typeof value === "object" && value !== null ? (value as GraphQLParams) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * HTTP: bodies and query strings must be valid UTF-8 (decoders would silently turn bad bytes
 * into U+FFFD and run something the client did not send), and parameters are checked before
 * parsing. The body is read once, capped at LIMITS.bodyBytes (src/http/body.ts, in place of
 * Yoga's maxRequestBodySize).
 */
export function useRequestLimits(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      checkContentLength(request, LIMITS.bodyBytes);
      if (request.method === "GET") {
        const search = request.url.slice(request.url.indexOf("?") + 1);
        try {
          decodeURIComponent(search.replaceAll("+", " "));
        } catch {
          throw invalidUtf8();
        }
        // Two `query` parameters are a batch in disguise; URLSearchParams.get would run the first.
        const params = new URLSearchParams(search);
        if (["query", "variables", "operationName", "extensions"].some((name) => params.getAll(name).length > 1)) {
          throw createGraphQLError("Batching is not supported: send each parameter once.", {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        }
        return;
      }
      if (!requestParser || !request.body) return;
      const json = isJsonBody(request);
      setRequestParser(async (req) => {
        const body = await readBody(req, LIMITS.bodyBytes);
        if (!isUtf8(body)) throw invalidUtf8();
        // A JSON object (or array: Yoga refuses batches after this) is what Yoga's own parser
        // would make of it, without a second Request around the bytes; anything else goes to
        // that parser, so a bad body gets Yoga's own answer.
        if (json) {
          const params = parseJsonObject(body);
          if (params) return params;
        }
        return requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }));
      });
    },
    onParams({ params }) {
      const problem = checkParams(params);
      if (problem) throw problem;
    },
  };
}
