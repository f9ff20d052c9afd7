// Automatic persisted queries (Apollo's protocol, as its PersistedQueryLink speaks it): a client
// sends a query's SHA-256 hash alone, and the full text only when the server answers
// PersistedQueryNotFound. The store is per app instance and bounded in entries and in bytes.
import { useAPQ } from "@graphql-yoga/plugin-apq";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";

export const APQ_LIMITS = {
  /** Documents kept; the least recently used goes first. */
  entries: 1000,
  /** A document longer than this runs but is not kept (it could never pass the token limit). */
  documentBytes: 32 * 1024,
  /** A kept document not asked for within this is forgotten. */
  ttlMs: 60 * 60 * 1000,
} as const;

export function usePersistedQueries(): Plugin {
  const documents = new LRUCache<string, string>({
    max: APQ_LIMITS.entries,
    ttl: APQ_LIMITS.ttlMs,
    // Registration happens before validation, so bound what anyone can make the server keep.
    maxSize: APQ_LIMITS.entries * APQ_LIMITS.documentBytes,
    maxEntrySize: APQ_LIMITS.documentBytes,
    sizeCalculation: (query) => Buffer.byteLength(query) || 1,
  });
  return useAPQ({
    store: {
      get: (hash) => documents.get(hash),
      set: (hash, query) => {
        documents.set(hash, query);
      },
    },
  }) as Plugin;
}
