CREATE TABLE "fact_version" (
	"kind" text,
	"entity_id" integer,
	"version" integer,
	"change" text NOT NULL,
	"reason" text,
	"changed_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"values" jsonb NOT NULL,
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	CONSTRAINT "fact_version_pkey" PRIMARY KEY("kind","entity_id","version"),
	CONSTRAINT "fact_version_kind" CHECK ("kind" IN ('source', 'person', 'sentence', 'exchangeEvent', 'release', 'statement')),
	CONSTRAINT "fact_version_change" CHECK ("change" IN ('ADDED', 'UPDATED', 'RETRACTED', 'MERGED')),
	CONSTRAINT "fact_version_positive" CHECK ("version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "audit" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "audit" ADD COLUMN "before" jsonb;--> statement-breakpoint
ALTER TABLE "audit" ADD COLUMN "after" jsonb;--> statement-breakpoint
ALTER TABLE "exchange_event" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange_event" ADD COLUMN "retracted_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "exchange_event" ADD COLUMN "retraction_reason" text;--> statement-breakpoint
ALTER TABLE "exchange_event" ADD COLUMN "retracted_by" text;--> statement-breakpoint
ALTER TABLE "exchange_event" ADD COLUMN "retraction_source_ids" integer[];--> statement-breakpoint
ALTER TABLE "feed_event" ADD COLUMN "change" text DEFAULT 'ADDED' NOT NULL;--> statement-breakpoint
ALTER TABLE "feed_event" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "person" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "person" ADD COLUMN "retracted_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "person" ADD COLUMN "retraction_reason" text;--> statement-breakpoint
ALTER TABLE "person" ADD COLUMN "retracted_by" text;--> statement-breakpoint
ALTER TABLE "person" ADD COLUMN "retraction_source_ids" integer[];--> statement-breakpoint
ALTER TABLE "person" ADD COLUMN "merged_into_id" integer;--> statement-breakpoint
ALTER TABLE "release" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "release" ADD COLUMN "retracted_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "release" ADD COLUMN "retraction_reason" text;--> statement-breakpoint
ALTER TABLE "release" ADD COLUMN "retracted_by" text;--> statement-breakpoint
ALTER TABLE "release" ADD COLUMN "retraction_source_ids" integer[];--> statement-breakpoint
ALTER TABLE "sentence" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "sentence" ADD COLUMN "retracted_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "sentence" ADD COLUMN "retraction_reason" text;--> statement-breakpoint
ALTER TABLE "sentence" ADD COLUMN "retracted_by" text;--> statement-breakpoint
ALTER TABLE "sentence" ADD COLUMN "retraction_source_ids" integer[];--> statement-breakpoint
ALTER TABLE "source" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "source" ADD COLUMN "retracted_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "source" ADD COLUMN "retraction_reason" text;--> statement-breakpoint
ALTER TABLE "source" ADD COLUMN "retracted_by" text;--> statement-breakpoint
ALTER TABLE "source" ADD COLUMN "retraction_source_ids" integer[];--> statement-breakpoint
ALTER TABLE "statement" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "statement" ADD COLUMN "retracted_at" timestamp(6) with time zone;--> statement-breakpoint
ALTER TABLE "statement" ADD COLUMN "retraction_reason" text;--> statement-breakpoint
ALTER TABLE "statement" ADD COLUMN "retracted_by" text;--> statement-breakpoint
ALTER TABLE "statement" ADD COLUMN "retraction_source_ids" integer[];--> statement-breakpoint
CREATE INDEX "fact_version_recorded_at_index" ON "fact_version" ("recorded_at");--> statement-breakpoint
CREATE INDEX "feed_event_kind_entity_id_index" ON "feed_event" ("kind","entity_id");--> statement-breakpoint
ALTER TABLE "person" ADD CONSTRAINT "person_merged_into_id_person_id_fkey" FOREIGN KEY ("merged_into_id") REFERENCES "person"("id");--> statement-breakpoint
ALTER TABLE "feed_event" ADD CONSTRAINT "feed_event_change" CHECK ("change" IN ('ADDED', 'UPDATED', 'RETRACTED', 'MERGED'));--> statement-breakpoint
ALTER TABLE "feed_event" DROP CONSTRAINT "feed_event_kind", ADD CONSTRAINT "feed_event_kind" CHECK ("kind" IN ('source', 'person', 'sentence', 'exchangeEvent', 'release', 'statement'));--> statement-breakpoint
-- A fact's fields as the API's Update…Input names them (camelCase, references as database ids,
-- its sources as sourceIds and a statement's subjects as subjectIds), without the bookkeeping
-- columns. Generic over the table's columns: a column added later appears in new versions
-- without touching this function. Every version row and the backfill below are made by it.
CREATE OR REPLACE FUNCTION fact_values(kind text, fact_id integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  tbl text := CASE kind WHEN 'exchangeEvent' THEN 'exchange_event' ELSE kind END;
  raw jsonb;
  result jsonb;
  ids jsonb;
BEGIN
  EXECUTE format('SELECT to_jsonb(t) FROM %I t WHERE t.id = $1', tbl) INTO raw USING fact_id;
  IF raw IS NULL THEN
    RETURN NULL;
  END IF;
  raw := raw - ARRAY['id', 'version', 'retracted_at', 'retraction_reason', 'retracted_by',
    'retraction_source_ids', 'recorded_at', 'recorded_by', 'search_key', 'merged_into_id'];
  SELECT coalesce(jsonb_object_agg(
      lower(left(k, 1)) || substr(replace(initcap(replace(k, '_', ' ')), ' ', ''), 2), v), '{}'::jsonb)
    INTO result FROM jsonb_each(raw) AS e(k, v);
  IF kind <> 'source' THEN
    EXECUTE format('SELECT coalesce(jsonb_agg(source_id ORDER BY source_id), ''[]'') FROM %I WHERE %I = $1',
      tbl || '_source', tbl || '_id') INTO ids USING fact_id;
    result := result || jsonb_build_object('sourceIds', ids);
  END IF;
  IF kind = 'statement' THEN
    SELECT coalesce(jsonb_agg(person_id ORDER BY person_id), '[]') INTO ids
      FROM statement_subject WHERE statement_id = fact_id;
    result := result || jsonb_build_object('subjectIds', ids);
  END IF;
  RETURN result;
END
$$;
--> statement-breakpoint
-- Every fact recorded before history was kept gets its first version, as it stands now.
INSERT INTO fact_version (kind, entity_id, version, change, "values", recorded_at, recorded_by)
SELECT k.kind, f.id, 1, 'ADDED', fact_values(k.kind, f.id), f.recorded_at, f.recorded_by
FROM (VALUES ('source'), ('person'), ('sentence'), ('exchangeEvent'), ('release'), ('statement')) AS k(kind),
LATERAL (
  SELECT id, recorded_at, recorded_by FROM source WHERE k.kind = 'source'
  UNION ALL SELECT id, recorded_at, recorded_by FROM person WHERE k.kind = 'person'
  UNION ALL SELECT id, recorded_at, recorded_by FROM sentence WHERE k.kind = 'sentence'
  UNION ALL SELECT id, recorded_at, recorded_by FROM exchange_event WHERE k.kind = 'exchangeEvent'
  UNION ALL SELECT id, recorded_at, recorded_by FROM release WHERE k.kind = 'release'
  UNION ALL SELECT id, recorded_at, recorded_by FROM statement WHERE k.kind = 'statement'
) AS f;
