ALTER TABLE "release" DROP CONSTRAINT "release_person_exchange";--> statement-breakpoint
ALTER TABLE "release" DROP CONSTRAINT "release_person_day";--> statement-breakpoint
ALTER TABLE "sentence" DROP CONSTRAINT "sentence_natural_key";--> statement-breakpoint
DROP INDEX "statement_natural_key";--> statement-breakpoint
CREATE UNIQUE INDEX "statement_natural_key" ON "statement" ("speaker_id","said_on",md5("text")) WHERE "retracted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "release_person_exchange" ON "release" ("person_id","exchange_id") WHERE "retracted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "release_person_day" ON "release" ("person_id","released_on") WHERE "retracted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "sentence_natural_key" ON "sentence" ("person_id","country",coalesce("sentenced_on", '-infinity'::date),"kind","charge") WHERE "retracted_at" IS NULL;