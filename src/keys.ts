// Admin API keys, as managed by `npm run token`: a minted token is shown once and only its
// SHA-256 hash is stored; revoking keeps the row, so the audit log's key names stay meaningful.
import { and, asc, eq, isNull } from "drizzle-orm";
import { hashToken, mintToken } from "./auth.js";
import type { Db } from "./db/client.js";
import { apiKeyTable } from "./db/tables.js";
import { type Actor, audit, pgCode } from "./facts/support.js";

export const KEY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export class KeyError extends Error {
  override name = "KeyError";
  constructor(
    message: string,
    /** What went wrong: a name that cannot name a key, one taken, one unknown, one revoked already. */
    readonly reason: "invalid" | "exists" | "missing" | "revoked",
  ) {
    super(message);
  }
}

export type KeyInfo = { name: string; createdAt: Date; revokedAt: Date | null };

/** Throws a KeyError unless `name` can name a new key. */
export function checkKeyName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw new KeyError(
      `A key name is 1 to 64 letters, digits, ".", "_" or "-"; got ${JSON.stringify(name)}.`,
      "invalid",
    );
  }
  if (name === "ADMIN_TOKEN" || name === "reference-data") {
    throw new KeyError(
      `"${name}" is reserved: the audit log uses it for writes not made with a minted key.`,
      "invalid",
    );
  }
}

const INFO = {
  id: apiKeyTable.id,
  name: apiKeyTable.name,
  createdAt: apiKeyTable.createdAt,
  revokedAt: apiKeyTable.revokedAt,
};
const info = ({ id: _id, ...rest }: KeyInfo & { id: number }): KeyInfo => rest;

/**
 * Mints a key under a new name; the token is returned here and nowhere else. With an actor (an
 * admin using the API) the audit log records who minted it.
 */
export async function createKey(db: Db, name: string, actor?: Actor): Promise<KeyInfo & { token: string }> {
  checkKeyName(name);
  const token = mintToken();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(apiKeyTable)
        .values({ name, tokenHash: hashToken(token) })
        .returning(INFO);
      if (!row) throw new Error("insert returned no row");
      if (actor) await audit(tx, actor, "createApiKey", "apiKey", row.id);
      return { ...info(row), token };
    });
  } catch (error) {
    if (pgCode(error) === "23505") {
      throw new KeyError(`A key named "${name}" exists already (names are never reused).`, "exists");
    }
    throw error;
  }
}

export function listKeys(db: Db): Promise<KeyInfo[]> {
  return db
    .select({ name: apiKeyTable.name, createdAt: apiKeyTable.createdAt, revokedAt: apiKeyTable.revokedAt })
    .from(apiKeyTable)
    .orderBy(asc(apiKeyTable.createdAt), asc(apiKeyTable.id));
}

/** Revokes a key at once: the next request made with it is refused (see auth.ts). */
export async function revokeKey(db: Db, name: string, actor?: Actor): Promise<KeyInfo> {
  const row = await db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeyTable)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeyTable.name, name), isNull(apiKeyTable.revokedAt)))
      .returning(INFO);
    if (revoked && actor) await audit(tx, actor, "revokeApiKey", "apiKey", revoked.id);
    return revoked;
  });
  if (row) return info(row);
  const [existing] = await db.select().from(apiKeyTable).where(eq(apiKeyTable.name, name));
  throw existing
    ? new KeyError(`The key "${name}" was revoked already.`, "revoked")
    : new KeyError(`No key is named "${name}".`, "missing");
}
