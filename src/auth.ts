// Admin credentials: the ADMIN_TOKEN from the environment, or a key minted by `npm run token`.
// Only SHA-256 hashes of minted keys are stored, so a database dump reveals no usable token.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./db/client.js";
import { apiKeyTable } from "./db/tables.js";
import type { Viewer } from "./graphql/context.js";

export const ENV_KEY_NAME = "ADMIN_TOKEN";

/** The viewer of a request without credentials: one object for all of them. */
export const ANONYMOUS: Viewer = Object.freeze({ admin: false, reason: "none" });

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function mintToken(): string {
  return `egk_${randomBytes(32).toString("base64url")}`;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Parses `Bearer <token>`; undefined when absent, null when present but malformed. */
export function bearerToken(header: unknown): string | undefined | null {
  if (header === undefined || header === null || header === "") return undefined;
  if (typeof header !== "string") return null;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return match ? (match[1] as string) : null;
}

export async function resolveViewer(db: Db, adminToken: string | undefined, header: unknown): Promise<Viewer> {
  const token = bearerToken(header);
  if (token === undefined) return ANONYMOUS;
  if (token === null) return { admin: false, reason: "invalid" };
  if (adminToken && sameSecret(token, adminToken)) return { admin: true, keyName: ENV_KEY_NAME };
  const [key] = await db
    .select({ name: apiKeyTable.name })
    .from(apiKeyTable)
    .where(and(eq(apiKeyTable.tokenHash, hashToken(token)), isNull(apiKeyTable.revokedAt)))
    .limit(1);
  return key ? { admin: true, keyName: key.name } : { admin: false, reason: "invalid" };
}
