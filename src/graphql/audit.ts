// Provenance for admins: who wrote what, when. The only query that needs a token.
import { and, eq, sql } from "drizzle-orm";
import { auditTable } from "../db/tables.js";
import { FACT_KINDS } from "../facts/kinds.js";
import { builder } from "./builder.js";
import { connectionType } from "./connection.js";
import { apiValues } from "./facts.js";
import { encodeGlobalId } from "./global-id.js";
import { checkPage } from "./pagination.js";

/** The GraphQL type of each `audit.entity` (a kind of fact) written by src/facts. */
const ENTITY_TYPES: Record<string, string> = Object.fromEntries(
  Object.values(FACT_KINDS).map(({ spec }) => [spec.kind, spec.typename]),
);

const AuditEntryRef = builder.drizzleObject("audit", {
  name: "AuditEntry",
  description: "One write: which key made it, when, and what it wrote.",
  fields: (t) => ({
    actor: t.exposeString("actor", {
      description: 'Name of the key that wrote: a minted key\'s name, "ADMIN_TOKEN", or "reference-data".',
    }),
    action: t.exposeString("action", { description: 'The mutation: "addRelease", "updatePerson".' }),
    entity: t.exposeString("entity", { description: 'The kind of object written: "release", "person".' }),
    entityId: t.id({
      nullable: true,
      description: "Global id of the object written, for `node(id:)`.",
      resolve: (entry) => {
        const typename = ENTITY_TYPES[entry.entity];
        return typename && entry.entityId != null ? encodeGlobalId(typename, entry.entityId) : null;
      },
    }),
    at: t.expose("at", { type: "DateTime", description: "When the write was made (the start of its transaction)." }),
    reason: t.exposeString("reason", {
      nullable: true,
      description: "Why, for a correction, retraction or merge, as the admin wrote it.",
    }),
    before: t.field({
      type: "JSON",
      nullable: true,
      description:
        "The fact's fields before a correction, retraction or merge, as Update…Input names them (references as global ids); null for an addition and for writes that are not facts.",
      resolve: (entry) => apiValues(entry.before as Record<string, unknown> | null),
    }),
    after: t.field({
      type: "JSON",
      nullable: true,
      description:
        "The fact's fields after the write, as Update…Input names them (references as global ids); null for writes that are not facts.",
      resolve: (entry) => apiValues(entry.after as Record<string, unknown> | null),
    }),
  }),
});

const AuditEntryConnection = connectionType(AuditEntryRef, "AuditEntry");

type AuditFilter = { actor?: string | null; action?: string | null; entity?: string | null };

function auditFilter(table: typeof auditTable, args: AuditFilter) {
  return and(
    args.actor ? eq(table.actor, args.actor.slice(0, 200)) : undefined,
    args.action ? eq(table.action, args.action.slice(0, 200)) : undefined,
    args.entity ? eq(table.entity, args.entity.slice(0, 200)) : undefined,
  );
}

builder.queryFields((t) => ({
  auditLog: t.drizzleConnection(
    {
      type: "audit",
      description: "Every write, newest first. Admin only: needs `Authorization: Bearer <token>`.",
      authScopes: { admin: true },
      args: {
        actor: t.arg.string({ description: "Only writes by the key of this name." }),
        action: t.arg.string({ description: 'Only this kind of write: "addStatement".' }),
        entity: t.arg.string({ description: 'Only writes of this kind of object: "person".' }),
      },
      totalCount: (_parent, args, ctx) => ctx.db.$count(auditTable, auditFilter(auditTable, args)),
      resolve: (query, _parent, args, ctx) => {
        checkPage(args);
        return ctx.db.query.audit.findMany(
          query({
            where: { RAW: (table) => auditFilter(table, args) ?? sql`true` },
            orderBy: { id: "desc" },
          }),
        );
      },
    },
    AuditEntryConnection,
  ),
}));
