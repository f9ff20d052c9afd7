// Queries run as compiled code (graphql-jit) from their second run on. Compiling a document costs
// more than running it once, and a compiled one runs with less CPU than under graphql-js: a
// document that comes back is worth it, one sent once is not. Mutations and subscriptions keep
// graphql-js (one serial, the other long-lived: neither is where requests spend their CPU).
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isLeafType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  visit,
} from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";

/** What our resolvers find on an `info` that graphql-jit made (see withStablePaths). */
const JIT_INFO = { compiled: true } as const;

type Link = GraphQLResolveInfo["path"];
/** An interned link carries the links beneath it itself: a property read, where a WeakMap
 * lookup per level of every resolver's path cost more than anything else interning did. */
type Interned = Link & { below?: Map<string | number, Interned> };
/** The interned links of one operation's response paths, and how many there are. */
type Tree = { roots: Map<string | number, Interned>; links: number };

/**
 * How many operations keep their paths between requests, and how many links each may hold
 * before a request that finds it full interns on its own. A page of 100 persons with their
 * sentences, releases and statements needs about 1,200; a full tree is about 300 KB, so all of
 * them together stay under 10 MB however many documents clients send, plus what a request that
 * began short of the cap adds past it (no more than its own answer's paths: a request's links
 * must stay one set from its first resolver to its last).
 */
export const SHARED_PATHS = { operations: 32, linksPerOperation: 2_048 };

/**
 * Interned links are shared by every request of the same compiled operation, so that their
 * response-path keys (which plugin-drizzle's selection-mapper memoises per link object) are built
 * once, not once per request, and no request leaves links and keys behind for the collector:
 * those were the largest cost compiled code still added to a nested read. Sharing is safe
 * because a link holds only its key and parent, the same for every request, and everything that
 * keys a cache by a link keeps that cache on the request's context (plugin-drizzle,
 * selection-mapper, scope-auth) or keys it by the link's keys alone (selection-mapper's path
 * strings). Module-level because the resolvers that intern are the schema's, which every app in
 * the process shares; an operation belongs to one app's compiled program, so apps never share
 * a tree.
 */
const sharedTrees = new LRUCache<OperationDefinitionNode, Tree>({ max: SHARED_PATHS.operations });
/** The tree each request interns into, fixed at its first resolver so that equal paths of one
 * request are always the same object, whatever the shared trees do meanwhile. */
const treeOfRequest = new WeakMap<object, Tree>();

function treeFor(context: object, operation: OperationDefinitionNode): Tree {
  let tree = treeOfRequest.get(context);
  if (tree !== undefined) return tree;
  tree = sharedTrees.get(operation);
  if (tree === undefined) {
    tree = { roots: new Map(), links: 0 };
    sharedTrees.set(operation, tree);
  } else if (tree.links >= SHARED_PATHS.linksPerOperation) {
    // Full: this request's links are its own, as they were before any were shared.
    tree = { roots: new Map(), links: 0 };
  }
  treeOfRequest.set(context, tree);
  return tree;
}

/** The one link of `tree` that stands for `path`: equal paths become the same object. */
function intern(tree: Tree, path: Link): Interned {
  let table: Map<string | number, Interned>;
  let prev: Interned | undefined;
  if (path.prev === undefined) {
    table = tree.roots;
  } else {
    prev = intern(tree, path.prev);
    table = prev.below ??= new Map();
  }
  let link = table.get(path.key);
  if (link === undefined) {
    // graphql-jit's paths carry no type name (graphql-js's do): a link is its keys alone.
    link = { prev, key: path.key, typename: path.typename };
    table.set(path.key, link);
    tree.links++;
  }
  return link;
}

/**
 * graphql-js hands a field and the fields beneath it the same `info.path` objects, and
 * plugin-drizzle finds what a planned query loaded by that identity. graphql-jit builds a new
 * path for every resolver call, so under it a nested read would fall back to one query per
 * relation. Each resolver that can look a plan up gets the interned path instead (its ancestors
 * are interned with it, so they are the objects its parent field was given); under graphql-js
 * nothing changes.
 */
export function withStablePaths(schema: GraphQLSchema): GraphQLSchema {
  const subscription = schema.getSubscriptionType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type === subscription || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      // A leaf reads its path only to find what a planned query loaded for it (a related count).
      if (!resolve || (isLeafType(getNamedType(field.type)) && !field.extensions?.pothosDrizzleSelect)) continue;
      field.resolve = (parent, args, context, info) => {
        // graphql-jit makes a new `info` per call, so changing its path touches nothing shared.
        if ((info as { compiled?: boolean }).compiled) {
          (info as { path: Link }).path = intern(treeFor(context as object, info.operation), info.path);
        }
        return resolve(parent, args, context, info);
      };
    }
  }
  return schema;
}

/** The offset in `body` of a 1-based line and column, lines split as graphql-js splits them. */
function positionOf(body: string, { line, column }: { line: number; column: number }): number {
  const breaks = /\r\n|[\n\r]/g;
  let start = 0;
  for (let at = 1; at < line; at++) {
    const found = breaks.exec(body);
    if (!found) break;
    start = found.index + found[0].length;
  }
  return start + column - 1;
}

/**
 * graphql-jit reports some errors by message alone, where Yoga's executor has an Error behind
 * them. It throws a GraphQLError, which the client sees, for a value of the wrong object type
 * and for a list that is not one. For a null in a non-null field and a leaf its scalar cannot
 * serialise it throws a plain Error, which the masking turns into "Unexpected error." and the
 * log records: those get the same plain Error here.
 */
const SHOWN_BY_EXECUTOR = /^(Expected Iterable, |Expected value of type "|Abstract type |Runtime Object type )/;

/** graphql-jit's errors have a read-only `extensions` (the masking after them adds a code) and
 * locations without AST nodes, which Yoga drops: the same error as graphql-js's instead. */
function asGraphqlJsError(error: GraphQLError, document: DocumentNode): GraphQLError {
  const source = document.loc?.source;
  return new GraphQLError(error.message, {
    path: error.path,
    originalError:
      error.originalError ?? (SHOWN_BY_EXECUTOR.test(error.message) ? undefined : new Error(error.message)),
    extensions: error.extensions,
    ...(source && error.locations
      ? { source, positions: error.locations.map((location) => positionOf(source.body, location)) }
      : {}),
  });
}

/**
 * Compiling is bounded in time: a large document takes tens of milliseconds, and a client that
 * sends ever new documents twice would otherwise make the server compile without end. Past the
 * budget an operation keeps running under graphql-js and is compiled on a later run.
 */
export const COMPILE_BUDGET = { msPerSecond: 100, burstMs: 500 } as const;

class TimeBudget {
  #credit: number;
  #at = performance.now();
  constructor(private readonly budget: { msPerSecond: number; burstMs: number }) {
    this.#credit = budget.burstMs;
  }
  /** Runs `work` if any time is left, and charges what it took. */
  spend<T>(work: () => T): T | undefined {
    const now = performance.now();
    this.#credit = Math.min(this.budget.burstMs, this.#credit + ((now - this.#at) / 1000) * this.budget.msPerSecond);
    this.#at = now;
    if (this.#credit <= 0) return undefined;
    try {
      return work();
    } finally {
      this.#credit -= performance.now() - now;
    }
  }
}

/** An alias graphql-jit cannot confuse with a path: it names each resolver's `info` by the
 * response path's keys joined with `_`, list indices written `idx<depth>` and types in
 * PascalCase. (Our field names are camelCase without `_`.) */
const SAFE_ALIAS = /^(?!idx\d+$)[a-z][A-Za-z0-9]*$/;

/**
 * Whether graphql-jit (0.8.9) runs `operation` exactly as graphql-js would. It does not when:
 * - a string literal or a name carries its date marker: it writes literal arguments into its code
 *   as JSON, then turns strings that start with that (published) marker back into code, so the
 *   literal would run as JavaScript on the server;
 * - an alias could make two response paths one name, so that a resolver got another field's
 *   `info` (and plugin-drizzle planned SQL from it); introspection fields likewise;
 * - `@skip`/`@include` takes a nullable variable: graphql-js refuses a null there, graphql-jit
 *   includes the field.
 * Variables are values at run time and never become code.
 */
function compilable(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const nonNull = new Set(
    (operation.variableDefinitions ?? [])
      .filter((definition) => definition.type.kind === Kind.NON_NULL_TYPE)
      .map((definition) => definition.variable.name.value),
  );
  let ok = true;
  visit(document, {
    StringValue(node) {
      if (node.value.includes("__MAGIC_")) ok = false;
    },
    Name(node) {
      if (node.value.includes("__MAGIC_")) ok = false;
    },
    Field(node) {
      if (node.alias && !SAFE_ALIAS.test(node.alias.value)) ok = false;
      if (node.name.value.startsWith("__") && node.name.value !== "__typename") ok = false;
    },
    Directive(node) {
      if (node.name.value !== "skip" && node.name.value !== "include") return;
      for (const argument of node.arguments ?? []) {
        if (argument.value.kind === Kind.VARIABLE && !nonNull.has(argument.value.name.value)) ok = false;
      }
    },
  });
  return ok;
}

/**
 * A copy of the document's nodes (their locations shared, for errors' line and column):
 * graphql-jit marks `@skip`/`@include` on the field nodes it compiles, and Yoga hands the same
 * document object to every request with the same text, whatever operation they run.
 */
function copyOf<T>(node: T): T {
  if (Array.isArray(node)) return node.map(copyOf) as T;
  if (node === null || typeof node !== "object" || !("kind" in node)) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = copyOf(value);
  return copy as T;
}

/** A document's operation: run once, so the next run compiles it; or one graphql-jit cannot
 * compile (or not a query), which graphql-js keeps running. */
type NotCompiled = "once" | "never";

export function useCompiledQueries(budget = COMPILE_BUDGET): Plugin {
  const time = new TimeBudget(budget);
  /** By document (Yoga keeps one object per query text), then by operation name. */
  const programs = new WeakMap<DocumentNode, Map<string, CompiledQuery | NotCompiled>>();

  const programFor = (args: ExecutionArgs): CompiledQuery | undefined => {
    const name = args.operationName ?? "";
    let byName = programs.get(args.document);
    if (!byName) {
      byName = new Map();
      programs.set(args.document, byName);
    }
    const known = byName.get(name);
    if (known === undefined) byName.set(name, "once");
    if (known !== "once") return known === "never" ? undefined : known;
    let program: CompiledQuery | NotCompiled = "never";
    const operation = getOperationAST(args.document, args.operationName);
    if (operation?.operation === "query" && compilable(args.document, operation)) {
      const made = time.spend(() => {
        try {
          return compileQuery(args.schema, copyOf(args.document), args.operationName ?? undefined, {
            resolverInfoEnricher: () => JIT_INFO,
            // Per response path, not on the (shared) fragment's nodes: a fragment spread twice,
            // once under @skip, is still included where it is not skipped.
            useExperimentalPathBasedSkipInclude: true,
          });
        } catch {
          // A document graphql-jit cannot handle is graphql-js's to run, not a failed request.
          return null;
        }
      });
      // Out of time: left as run once, so a later run compiles it.
      if (made === undefined) return undefined;
      if (made && isCompiledQuery(made)) program = made;
    }
    byName.set(name, program);
    return program === "never" ? undefined : program;
  };

  return {
    // Decided when the execution is called, not here: a plugin after this one (the response
    // cache) may call it with a document of its own, which is the one to compile and run.
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args: ExecutionArgs) => {
        const program = programFor(args);
        if (!program) return executeFn(args);
        const result = (await program.query(args.rootValue, args.contextValue, args.variableValues)) as ExecutionResult;
        // No data: the variables did not fit. graphql-js words those errors (and Yoga answers
        // them 400) as it always has.
        if (!("data" in result) || result.data === undefined) return executeFn(args);
        // In graphql-js's order, which is the order of the JSON a client gets.
        return result.errors
          ? { errors: result.errors.map((error) => asGraphqlJsError(error, args.document)), data: result.data }
          : result;
      });
    },
  };
}
