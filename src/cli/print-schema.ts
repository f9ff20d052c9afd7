// Prints the schema as SDL to schema/schema.graphql (or to stdout with --stdout).
import { writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { schema } from "../graphql/schema.js";

export const schemaFile = new URL("../../schema/schema.graphql", import.meta.url);
const sdl = `${printSchema(schema)}\n`;
if (process.argv.includes("--stdout")) process.stdout.write(sdl);
else writeFileSync(schemaFile, sdl);
