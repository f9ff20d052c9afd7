// Persons, keyed by a readable slug made from the name unless one is given.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { personSourceTable, personTable } from "../db/tables.js";
import { ConflictError, NotFoundError, ValidationError } from "./errors.js";
import { type PersonInput, type PersonPatch, parseInput, personInput, personPatch } from "./input.js";
import { type Actor, audit, conflictOnRace, exists, link, type PersonRow, requireSources } from "./support.js";

export type { PersonRow };

/** Latin letters that NFKD does not split into a base letter and an accent. */
const LATIN_EXTRA: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[øæœßłđðþı]/g, (c) => LATIN_EXTRA[c] ?? c)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/, "");
}

export async function addPerson(db: Db, raw: PersonInput, actor: Actor): Promise<PersonRow> {
  const input = parseInput(personInput, raw);
  const slug = input.slug ?? slugify(input.name);
  if (!slug)
    throw new ValidationError([
      { path: ["slug"], message: "is required when the name has no Latin letters or digits" },
    ]);
  return db.transaction(async (tx) => {
    await requireSources(tx, input.sourceIds);
    const same = await exists(tx.select().from(personTable).where(eq(personTable.slug, slug)).limit(1));
    if (same) throw new ConflictError(`A person with slug "${slug}" exists already (${same.name}).`, same.id);
    const { sourceIds, ...values } = input;
    const [row] = await conflictOnRace(
      () =>
        tx
          .insert(personTable)
          .values({ ...values, slug, recordedBy: actor })
          .returning(),
      `A person with slug "${slug}" exists already.`,
    );
    if (!row) throw new Error("insert returned no row");
    await link(
      tx,
      personSourceTable,
      sourceIds.map((sourceId) => ({ personId: row.id, sourceId })),
    );
    await audit(tx, actor, "addPerson", "person", row.id);
    return row;
  });
}

export async function updatePerson(db: Db, id: number, raw: PersonPatch, actor: Actor): Promise<PersonRow> {
  const input = parseInput(personPatch, raw);
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(personTable).where(eq(personTable.id, id)).for("update");
    if (!current) throw new NotFoundError(`No person with this id.`, ["id"]);
    if (input.sourceIds) await requireSources(tx, input.sourceIds);
    if (input.slug && input.slug !== current.slug) {
      const same = await exists(tx.select().from(personTable).where(eq(personTable.slug, input.slug)).limit(1));
      if (same) throw new ConflictError(`A person with slug "${input.slug}" exists already (${same.name}).`, same.id);
    }
    const { sourceIds, ...patch } = input;
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    for (const required of ["name", "slug", "aliases", "nationalities"] as const) {
      if (required in values && values[required] === null) {
        throw new ValidationError([{ path: [required], message: "cannot be cleared" }]);
      }
    }
    const [row] = await conflictOnRace(
      () =>
        Object.keys(values).length > 0
          ? tx.update(personTable).set(values).where(eq(personTable.id, id)).returning()
          : Promise.resolve([current]),
      "Another person has this slug.",
    );
    if (!row) throw new Error("update returned no row");
    if (sourceIds)
      await link(
        tx,
        personSourceTable,
        sourceIds.map((sourceId) => ({ personId: id, sourceId })),
      );
    await audit(tx, actor, "updatePerson", "person", id);
    return row;
  });
}
