// The exact response cache: Yoga's response-cache plugin over our store (response-cache.ts), for
// anonymous HTTP reads only. A hit is answered before parsing, validation or context. Answers
// with errors are never stored, nor are subscriptions or mutations; a request carrying any
// Authorization header (admin, or a bad token) neither reads nor fills the cache.
import { useResponseCache } from "@graphql-yoga/plugin-response-cache";
import { type DocumentNode, getOperationAST, Kind, type SelectionSetNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ResponseCache } from "./response-cache.js";

/** An HTTP request without credentials; graphql-ws operations have no request and are not cached. */
export const isPublicRequest = (request: Request | undefined): request is Request =>
  request !== undefined && !request.headers.has("authorization");

/** `usable`: false while the database is unavailable (answers then are errors, not old data). */
export function useExactResponseCache(cache: ResponseCache, usable: () => boolean): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        useResponseCache({
          cache,
          session: () => null,
          enabled: (request) => isPublicRequest(request) && usable(),
          buildResponseCacheKey: ({ documentString, operationName, variableValues }) =>
            cache.key(documentString, operationName, variableValues),
          // Writes are dropped from the feed and by the writer (below), not by a mutation's selection.
          invalidateViaMutation: false,
          // Its default follows NODE_ENV; a hit must be the same bytes as the answer it stands for.
          includeExtensionMetadata: false,
          // An execution that began before a write may have read the old rows: do not keep it.
          onTtl: ({ ttl, context }) => (cache.current(context) ? ttl : 0),
        }),
      );
    },
    onExecute({ args }) {
      const context = args.contextValue as object;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== "mutation") {
        cache.begin(context);
        return;
      }
      // Every mutation requires an admin (test/schema.test.ts): one sent without an admin's
      // credentials wrote nothing, and must not let anyone empty the cache at will.
      if ((args.contextValue as { viewer?: { admin: boolean } }).viewer?.admin !== true) return;
      // A read on this instance must never see what was before its own write. A field whose
      // resolver says what it wrote (or that it was refused before writing) drops just that;
      // unless every field of the mutation did, everything is dropped.
      const fields = rootFields(args.document, operation.selectionSet);
      return {
        onExecuteDone() {
          if (cache.reports(context) < fields) cache.apply({ kind: "unknown" });
        },
      };
    },
  };
}

/**
 * The root fields a mutation names, through fragments, leaving out `__typename`: never fewer than
 * the fields it runs (a skipped or merged field counts all the same, which can only drop more).
 */
function rootFields(document: DocumentNode, set: SelectionSetNode, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFields(document, selection.selectionSet, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) count += rootFields(document, fragment.selectionSet, seen);
    }
  }
  return count;
}
