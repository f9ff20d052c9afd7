-- Extensions and functions the schema relies on. All three extensions are trusted (PostgreSQL 13+),
-- so a database owner may create them; PGlite loads them from @electric-sql/pglite/contrib.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
--> statement-breakpoint
-- Folds a name to a transliteration-neutral key, so that spellings of one name from Russian,
-- German, English and Polish sources ("Seleznev", "Zelesnyov", "Selesnjow", "Селезнёв") meet.
-- Declared IMMUTABLE (unaccent is only STABLE because its dictionary could change) so that it
-- can feed a stored generated column and a trigram index.
CREATE OR REPLACE FUNCTION translit_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    translate(
      replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        lower(translate(public.unaccent('public.unaccent'::regdictionary, value),
          'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ', 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя')),
        'щ', 'shch'), 'ш', 'sh'), 'ж', 'zh'), 'ч', 'ch'), 'ц', 'ts'), 'ю', 'yu'),
        'я', 'ya'), 'ё', 'yo'), 'х', 'kh'), 'ь', ''), 'ъ', ''), 'й', 'y'),
      'абвгдезиклмнопрстуфыэе', 'abvgdeziklmnoprstufyee'),
    '[^a-z]+', ' ', 'g'),
    'tsch', 'ch', 'g'),
    'sch', 'sh', 'g'),
    'shch', 'sh', 'g'),
    'ck', 'k', 'g'),
    'c([eiy])', 'ts\1', 'g'),
    'c(?!h)', 'k', 'g'),
    'zh', 'z', 'g'),
    'kh', 'h', 'g'),
    'ph', 'f', 'g'),
    'x', 'ks', 'g'),
    'w', 'v', 'g'),
    'j', 'y', 'g'),
    'y', 'i', 'g'),
    'z', 's', 'g'),
    'io', 'e', 'g'),
    'iu', 'u', 'g'),
    'ou', 'u', 'g'),
    '([a-z])\1+', '\1', 'g'),
    ' +', ' ', 'g')
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION person_search_key(name text, aliases text[]) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN translit_key(name || ' ' || array_to_string(aliases, ' '));
