// Admin API keys at runtime: list, mint and revoke through the API, so that admins need not
// open the database beside the running service (which the embedded database forbids). The
// same rules as `npm run token` (src/keys.ts); a revocation holds from the next request on,
// since every request and every graphql-ws operation looks its key up again (src/auth.ts).
import { ConflictError, NotFoundError, ValidationError } from "../facts/errors.js";
import { createKey, KeyError, type KeyInfo, listKeys, revokeKey } from "../keys.js";
import { builder } from "./builder.js";
import type { Context } from "./context.js";
import { MUTATION_ERRORS } from "./errors.js";

const ApiKeyRef = builder.objectRef<KeyInfo>("ApiKey").implement({
  description: "An admin API key, by name. Its token is shown once, when it is created, and never stored.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The key's name; the audit log names the key's writes by it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the key was minted." }),
    revokedAt: t.expose("revokedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the key was revoked; null while it works.",
    }),
    active: t.boolean({ description: "Whether the key is accepted now.", resolve: (key) => key.revokedAt === null }),
  }),
});

type Created = KeyInfo & { token: string };
const CreatedApiKeyRef = builder.objectRef<Created>("CreatedApiKey").implement({
  description: "A key just minted, with its token: keep the token now, it cannot be shown again.",
  fields: (t) => ({
    key: t.field({ type: ApiKeyRef, description: "The new key.", resolve: (created) => created }),
    token: t.exposeString("token", {
      description: "The secret to send as `Authorization: Bearer <token>`. Returned only this once.",
    }),
  }),
});

/** The calling key, for the audit log; scope-auth has already refused non-admins. */
function actorOf(ctx: Context): string {
  if (!ctx.viewer.admin) throw new Error("an API key mutation ran without an admin viewer");
  return ctx.viewer.keyName;
}

/** A KeyError as the typed error a client can act on. */
function asFactError(error: unknown): unknown {
  if (!(error instanceof KeyError)) return error;
  switch (error.reason) {
    case "invalid":
      return new ValidationError([{ path: ["name"], message: error.message }]);
    case "missing":
      return new NotFoundError(error.message, ["name"]);
    default:
      return new ConflictError(error.message);
  }
}

async function keyWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asFactError(error);
  }
}

const errorsOf = (name: string, what: string) =>
  ({ types: MUTATION_ERRORS, directResult: true, union: { name, description: what } }) as const;

const NAME_ARG = 'The key\'s name: 1 to 64 letters, digits, ".", "_" or "-".';

builder.queryFields((t) => ({
  apiKeys: t.field({
    type: [ApiKeyRef],
    description: "Every admin API key, active and revoked, oldest first; never a token. Needs an admin token.",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => listKeys(ctx.db),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKeyRef,
    description: "Mints an admin API key; its token is in the answer and nowhere else. Names are never reused.",
    authScopes: { admin: true },
    errors: errorsOf("CreateApiKeyResult", "The key minted with its token, or why none was."),
    args: { name: t.arg.string({ required: true, description: NAME_ARG }) },
    resolve: (_root, { name }, ctx) => keyWork(() => createKey(ctx.db, name, actorOf(ctx))),
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    description: "Revokes an admin API key: from the next request on it is refused, on open WebSocket connections too.",
    authScopes: { admin: true },
    errors: errorsOf("RevokeApiKeyResult", "The key revoked, or why it was not."),
    args: { name: t.arg.string({ required: true, description: "The name of the key to revoke." }) },
    resolve: (_root, { name }, ctx) => keyWork(() => revokeKey(ctx.db, name, actorOf(ctx))),
  }),
}));
