DROP INDEX "person_search_key_trgm";--> statement-breakpoint
CREATE INDEX "person_search_key_gist" ON "person" USING gist ("search_key" gist_trgm_ops);