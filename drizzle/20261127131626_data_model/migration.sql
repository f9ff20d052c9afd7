CREATE TYPE "confidence" AS ENUM('HIGH', 'MEDIUM', 'LOW');--> statement-breakpoint
CREATE TYPE "sentence_kind" AS ENUM('TERM', 'LIFE', 'DEATH', 'TIME_SERVED');--> statement-breakpoint
CREATE TABLE "api_key" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_key_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL UNIQUE,
	"token_hash" text NOT NULL UNIQUE,
	"created_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_key_name_format" CHECK ("name" ~ '^[A-Za-z0-9_.-]{1,64}$')
);
--> statement-breakpoint
CREATE TABLE "audit" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" integer,
	"at" timestamp(6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_event_source" (
	"exchange_event_id" integer,
	"source_id" integer,
	CONSTRAINT "exchange_event_source_pkey" PRIMARY KEY("exchange_event_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "exchange_event" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exchange_event_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL UNIQUE,
	"name" text NOT NULL,
	"occurred_on" date NOT NULL,
	"location" text,
	"country" text,
	"mediators" text[] DEFAULT '{}'::text[] NOT NULL,
	"parties" text[] DEFAULT '{}'::text[] NOT NULL,
	"description" text,
	"confidence" "confidence",
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	CONSTRAINT "exchange_event_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "exchange_event_name_not_blank" CHECK (btrim("name") <> ''),
	CONSTRAINT "exchange_event_country_code" CHECK ("country" IS NULL OR "country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "exchange_event_mediators_codes" CHECK (array_to_string("mediators", ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$'),
	CONSTRAINT "exchange_event_parties_codes" CHECK (array_to_string("parties", ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$')
);
--> statement-breakpoint
CREATE TABLE "feed_event" (
	"position" bigint PRIMARY KEY,
	"kind" text NOT NULL,
	"entity_id" integer NOT NULL,
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feed_event_kind" CHECK ("kind" IN ('release', 'statement'))
);
--> statement-breakpoint
CREATE TABLE "feed_head" (
	"id" integer PRIMARY KEY DEFAULT 1,
	"position" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "feed_head_single_row" CHECK ("id" = 1)
);
--> statement-breakpoint
CREATE TABLE "person_source" (
	"person_id" integer,
	"source_id" integer,
	CONSTRAINT "person_source_pkey" PRIMARY KEY("person_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "person" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "person_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL UNIQUE,
	"name" text NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"nationalities" text[] DEFAULT '{}'::text[] NOT NULL,
	"birth_date" date,
	"description" text,
	"search_key" text GENERATED ALWAYS AS (person_search_key(name, aliases)) STORED NOT NULL,
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	CONSTRAINT "person_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "person_name_not_blank" CHECK (btrim("name") <> ''),
	CONSTRAINT "person_nationalities_codes" CHECK (array_to_string("nationalities", ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$')
);
--> statement-breakpoint
CREATE TABLE "release_source" (
	"release_id" integer,
	"source_id" integer,
	CONSTRAINT "release_source_pkey" PRIMARY KEY("release_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "release" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "release_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"exchange_id" integer,
	"released_on" date NOT NULL,
	"from_country" text NOT NULL,
	"to_country" text,
	"sentence_id" integer,
	"note" text,
	"confidence" "confidence",
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	CONSTRAINT "release_person_exchange" UNIQUE("person_id","exchange_id"),
	CONSTRAINT "release_person_day" UNIQUE("person_id","released_on"),
	CONSTRAINT "release_from_country_code" CHECK ("from_country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "release_to_country_code" CHECK ("to_country" IS NULL OR "to_country" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
CREATE TABLE "sentence_source" (
	"sentence_id" integer,
	"source_id" integer,
	CONSTRAINT "sentence_source_pkey" PRIMARY KEY("sentence_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "sentence" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sentence_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"country" text NOT NULL,
	"court" text,
	"charge" text NOT NULL,
	"kind" "sentence_kind" NOT NULL,
	"term_months" integer,
	"sentenced_on" date,
	"note" text,
	"confidence" "confidence",
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	CONSTRAINT "sentence_natural_key" UNIQUE NULLS NOT DISTINCT("person_id","country","sentenced_on","kind","charge"),
	CONSTRAINT "sentence_country_code" CHECK ("country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "sentence_charge_not_blank" CHECK (btrim("charge") <> ''),
	CONSTRAINT "sentence_term_months_iff_term" CHECK (("kind" = 'TERM') = ("term_months" IS NOT NULL)),
	CONSTRAINT "sentence_term_months_range" CHECK ("term_months" IS NULL OR "term_months" BETWEEN 1 AND 12000)
);
--> statement-breakpoint
CREATE TABLE "source" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "source_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"publisher" text NOT NULL,
	"title" text,
	"url" text UNIQUE,
	"published_on" date,
	"published_at" timestamp with time zone,
	"description" text,
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	CONSTRAINT "source_publisher_not_blank" CHECK (btrim("publisher") <> ''),
	CONSTRAINT "source_url_http" CHECK ("url" IS NULL OR "url" ~ '^https?://')
);
--> statement-breakpoint
CREATE TABLE "statement_source" (
	"statement_id" integer,
	"source_id" integer,
	CONSTRAINT "statement_source_pkey" PRIMARY KEY("statement_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "statement_subject" (
	"statement_id" integer,
	"person_id" integer,
	CONSTRAINT "statement_subject_pkey" PRIMARY KEY("statement_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "statement" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "statement_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"speaker_id" integer NOT NULL,
	"text" text NOT NULL,
	"language" text,
	"said_on" date NOT NULL,
	"channel" text,
	"exchange_id" integer,
	"confidence" "confidence",
	"recorded_at" timestamp(6) with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	CONSTRAINT "statement_text_not_blank" CHECK (btrim("text") <> ''),
	CONSTRAINT "statement_language_bcp47" CHECK ("language" IS NULL OR "language" ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$')
);
--> statement-breakpoint
CREATE INDEX "audit_at_id_index" ON "audit" ("at","id");--> statement-breakpoint
CREATE INDEX "audit_actor_id_index" ON "audit" ("actor","id");--> statement-breakpoint
CREATE INDEX "exchange_event_source_source_id_index" ON "exchange_event_source" ("source_id");--> statement-breakpoint
CREATE INDEX "exchange_event_occurred_on_id_index" ON "exchange_event" ("occurred_on","id");--> statement-breakpoint
CREATE INDEX "person_source_source_id_index" ON "person_source" ("source_id");--> statement-breakpoint
CREATE INDEX "person_search_key_trgm" ON "person" USING gin ("search_key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "person_nationalities_gin" ON "person" USING gin ("nationalities");--> statement-breakpoint
CREATE INDEX "person_name_id_index" ON "person" ("name","id");--> statement-breakpoint
CREATE INDEX "release_source_source_id_index" ON "release_source" ("source_id");--> statement-breakpoint
CREATE INDEX "release_exchange_id_id_index" ON "release" ("exchange_id","id");--> statement-breakpoint
CREATE INDEX "release_person_id_id_index" ON "release" ("person_id","id");--> statement-breakpoint
CREATE INDEX "release_from_country_id_index" ON "release" ("from_country","id");--> statement-breakpoint
CREATE INDEX "release_to_country_id_index" ON "release" ("to_country","id");--> statement-breakpoint
CREATE INDEX "release_sentence_id_index" ON "release" ("sentence_id");--> statement-breakpoint
CREATE INDEX "sentence_source_source_id_index" ON "sentence_source" ("source_id");--> statement-breakpoint
CREATE INDEX "sentence_person_id_id_index" ON "sentence" ("person_id","id");--> statement-breakpoint
CREATE INDEX "sentence_country_id_index" ON "sentence" ("country","id");--> statement-breakpoint
CREATE INDEX "source_publisher_index" ON "source" ("publisher");--> statement-breakpoint
CREATE INDEX "statement_source_source_id_index" ON "statement_source" ("source_id");--> statement-breakpoint
CREATE INDEX "statement_subject_person_id_index" ON "statement_subject" ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "statement_natural_key" ON "statement" ("speaker_id","said_on",md5("text"));--> statement-breakpoint
CREATE INDEX "statement_text_fts" ON "statement" USING gin (to_tsvector('english', "text"));--> statement-breakpoint
CREATE INDEX "statement_said_on_id_index" ON "statement" ("said_on","id");--> statement-breakpoint
CREATE INDEX "statement_speaker_id_id_index" ON "statement" ("speaker_id","id");--> statement-breakpoint
CREATE INDEX "statement_exchange_id_id_index" ON "statement" ("exchange_id","id");--> statement-breakpoint
ALTER TABLE "exchange_event_source" ADD CONSTRAINT "exchange_event_source_exchange_event_id_exchange_event_id_fkey" FOREIGN KEY ("exchange_event_id") REFERENCES "exchange_event"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "exchange_event_source" ADD CONSTRAINT "exchange_event_source_source_id_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id");--> statement-breakpoint
ALTER TABLE "person_source" ADD CONSTRAINT "person_source_person_id_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "person_source" ADD CONSTRAINT "person_source_source_id_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id");--> statement-breakpoint
ALTER TABLE "release_source" ADD CONSTRAINT "release_source_release_id_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "release_source" ADD CONSTRAINT "release_source_source_id_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id");--> statement-breakpoint
ALTER TABLE "release" ADD CONSTRAINT "release_person_id_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id");--> statement-breakpoint
ALTER TABLE "release" ADD CONSTRAINT "release_exchange_id_exchange_event_id_fkey" FOREIGN KEY ("exchange_id") REFERENCES "exchange_event"("id");--> statement-breakpoint
ALTER TABLE "release" ADD CONSTRAINT "release_sentence_id_sentence_id_fkey" FOREIGN KEY ("sentence_id") REFERENCES "sentence"("id");--> statement-breakpoint
ALTER TABLE "sentence_source" ADD CONSTRAINT "sentence_source_sentence_id_sentence_id_fkey" FOREIGN KEY ("sentence_id") REFERENCES "sentence"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "sentence_source" ADD CONSTRAINT "sentence_source_source_id_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id");--> statement-breakpoint
ALTER TABLE "sentence" ADD CONSTRAINT "sentence_person_id_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id");--> statement-breakpoint
ALTER TABLE "statement_source" ADD CONSTRAINT "statement_source_statement_id_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statement"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "statement_source" ADD CONSTRAINT "statement_source_source_id_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id");--> statement-breakpoint
ALTER TABLE "statement_subject" ADD CONSTRAINT "statement_subject_statement_id_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statement"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "statement_subject" ADD CONSTRAINT "statement_subject_person_id_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id");--> statement-breakpoint
ALTER TABLE "statement" ADD CONSTRAINT "statement_speaker_id_person_id_fkey" FOREIGN KEY ("speaker_id") REFERENCES "person"("id");--> statement-breakpoint
ALTER TABLE "statement" ADD CONSTRAINT "statement_exchange_id_exchange_event_id_fkey" FOREIGN KEY ("exchange_id") REFERENCES "exchange_event"("id");