-- translit_key() folds the same keys as before, in time linear in its input. Runs of a letter
-- were collapsed with '([a-z])\1+': on a backreference PostgreSQL's regex engine takes time
-- cubic in the length of a word, so that a search of one letter repeated was the costliest
-- request anyone could send. Here each letter's run is its own alternative, with no
-- backreference in any pattern. Stored keys are unchanged: no key differs.
CREATE OR REPLACE FUNCTION collapse_letter_runs(v text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
-- Three patterns, not 26: each backend caches only 32 compiled regular expressions.
RETURN regexp_replace(regexp_replace(regexp_replace(v,
  '(a)a+|(b)b+|(c)c+|(d)d+|(e)e+|(f)f+|(g)g+|(h)h+|(i)i+', '\1\2\3\4\5\6\7\8\9', 'g'),
  '(j)j+|(k)k+|(l)l+|(m)m+|(n)n+|(o)o+|(p)p+|(q)q+|(r)r+', '\1\2\3\4\5\6\7\8\9', 'g'),
  '(s)s+|(t)t+|(u)u+|(v)v+|(w)w+|(x)x+|(y)y+|(z)z+', '\1\2\3\4\5\6\7\8', 'g');
--> statement-breakpoint
CREATE OR REPLACE FUNCTION translit_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(
  regexp_replace(collapse_letter_runs(regexp_replace(regexp_replace(regexp_replace(
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
    'ou', 'u', 'g')),
    ' +', ' ', 'g')
);
