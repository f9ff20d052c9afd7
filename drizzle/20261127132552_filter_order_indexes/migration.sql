DROP INDEX "release_exchange_id_id_index";--> statement-breakpoint
DROP INDEX "release_from_country_id_index";--> statement-breakpoint
DROP INDEX "release_to_country_id_index";--> statement-breakpoint
DROP INDEX "statement_speaker_id_id_index";--> statement-breakpoint
DROP INDEX "statement_exchange_id_id_index";--> statement-breakpoint
CREATE INDEX "release_released_on_id_index" ON "release" ("released_on","id");--> statement-breakpoint
CREATE INDEX "release_exchange_id_released_on_id_index" ON "release" ("exchange_id","released_on","id");--> statement-breakpoint
CREATE INDEX "release_from_country_released_on_id_index" ON "release" ("from_country","released_on","id");--> statement-breakpoint
CREATE INDEX "release_to_country_released_on_id_index" ON "release" ("to_country","released_on","id");--> statement-breakpoint
CREATE INDEX "statement_speaker_id_said_on_id_index" ON "statement" ("speaker_id","said_on","id");--> statement-breakpoint
CREATE INDEX "statement_exchange_id_said_on_id_index" ON "statement" ("exchange_id","said_on","id");