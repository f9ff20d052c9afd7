// Persons, keyed by a readable slug made from the name unless one is given.
import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { personSourceTable, personTable } from "../db/tables.js";
import { addFact, type FactSpec, standingThrough, standingWhere } from "./change.js";
import { ConflictError, ValidationError } from "./errors.js";
import { type PersonInput, personInput } from "./input.js";
import { type Actor, exists, type PersonRow, requireSources } from "./support.js";

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

export const personSpec: FactSpec<typeof personInput> = {
  kind: "person",
  typename: "Person",
  noun: "person",
  table: personTable,
  input: personInput,
  check: async (tx, input, selfId) => {
    const slug = slugOf(input);
    if (selfId !== undefined && input.birthDate) {
      // A correction must not leave a standing sentence or release of this person before its birth.
      const result = await tx.execute<{ on: string }>(sql`
        select sentenced_on::text as "on" from sentence
          where person_id = ${selfId} and retracted_at is null and sentenced_on < ${input.birthDate}::date
        union all
        select released_on::text from release
          where person_id = ${selfId} and retracted_at is null and released_on < ${input.birthDate}::date
        order by 1 limit 1`);
      const earliest = rowsOf<{ on: string }>(result)[0];
      if (earliest)
        throw new ValidationError([
          {
            path: ["birthDate"],
            message: `must not be after a standing sentence or release of this person (${earliest.on})`,
          },
        ]);
    }
    await requireSources(tx, input.sourceIds);
    const same = await exists(
      tx
        .select()
        .from(personTable)
        .where(and(eq(personTable.slug, slug), selfId === undefined ? undefined : ne(personTable.id, selfId)))
        .limit(1),
    );
    if (same) throw new ConflictError(`A person with slug "${slug}" exists already (${same.name}).`, same.id);
  },
  columns: ({ sourceIds: _, ...values }) => ({ ...values, slug: slugOf(values) }),
  links: [
    {
      field: "sourceIds",
      table: personSourceTable,
      own: personSourceTable.personId,
      row: (personId, sourceId) => ({ personId, sourceId }),
    },
  ],
  duplicate: "A person with this slug exists already.",
};

function slugOf(input: { slug?: string | null | undefined; name: string }): string {
  const slug = input.slug ?? slugify(input.name);
  if (!slug)
    throw new ValidationError([
      { path: ["slug"], message: "is required when the name has no Latin letters or digits" },
    ]);
  return slug;
}

export const addPerson = (db: Db, raw: PersonInput, actor: Actor) =>
  addFact<typeof personInput, PersonRow>(db, personSpec, raw, actor);

/**
 * The standing facts about a person: what a retraction would strand. (A merge moves them
 * instead.)
 */
export async function factsOfPerson(tx: Db, id: number) {
  return [
    ...(await standingWhere(tx, "sentence", "person_id", id, "Sentence")),
    ...(await standingWhere(tx, "release", "person_id", id, "Release")),
    ...(await standingWhere(tx, "statement", "speaker_id", id, "Statement")),
    ...(await standingThrough(tx, "statement_subject", "person_id", "statement", "statement_id", id, "Statement")),
  ];
}
