// Global ids are base64url("Type:key"): opaque to clients, and a malformed one is a client
// error (BAD_USER_INPUT) rather than an unexpected one.
import { GraphQLError } from "graphql";

export function encodeGlobalId(typename: string, id: bigint | number | string): string {
  return Buffer.from(`${typename}:${id}`, "utf8").toString("base64url");
}

export function invalidId(globalId: string, expected?: string): GraphQLError {
  const shown = globalId.length > 60 ? `${globalId.slice(0, 60)}…` : globalId;
  return new GraphQLError(expected ? `"${shown}" is not the id of a ${expected}.` : `"${shown}" is not a valid id.`, {
    extensions: { code: "BAD_USER_INPUT" },
  });
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  if (typeof globalId !== "string" || globalId.length > 200 || !/^[A-Za-z0-9_-]+={0,2}$/.test(globalId)) {
    throw invalidId(String(globalId));
  }
  const text = Buffer.from(globalId, "base64url").toString("utf8");
  const match = /^([A-Z][A-Za-z]{0,40}):([1-9][0-9]{0,9})$/.exec(text);
  if (!match || Number(match[2]) > 2_147_483_647) throw invalidId(globalId);
  return { typename: match[1] as string, id: match[2] as string };
}

/** The database key of a global id that must name an object of `typename`. */
export function idOf(globalId: string, typename: string): number {
  const decoded = decodeGlobalId(globalId);
  if (decoded.typename !== typename) throw invalidId(globalId, typename);
  return Number(decoded.id);
}
