// The dashboard's operation types (src/dashboard/generated/) are what codegen.ts makes from the
// committed schema and the dashboard's documents today: stale types fail here. `npm run codegen`
// brings them up to date.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { generate } from "@graphql-codegen/cli";
import { expect, it } from "vitest";
import config, { SCALARS } from "../codegen.js";

const root = join(import.meta.dirname, "..");
const folder = join(root, "src/dashboard/generated");

it("generated types match the schema and the dashboard's operations", async () => {
  const outputs: { filename: string; content: string }[] = await generate(
    { ...config, cwd: root, silent: true },
    false,
  );
  const made = new Map(outputs.map((o) => [relative(root, join(root, o.filename)), o.content]));
  const committed = readdirSync(folder).map((name) => relative(root, join(folder, name)));
  expect([...made.keys()].sort()).toEqual(committed.sort());
  for (const [file, content] of made) {
    expect(readFileSync(join(root, file), "utf8"), `${file} is stale: run npm run codegen`).toBe(content);
  }
  // Every operation of the dashboard is typed, with custom scalars as their JSON types.
  const types = made.get("src/dashboard/generated/graphql.ts") ?? "";
  for (const name of ["LatestQuery", "OverviewQuery", "LiveReleasesSubscription", "PersonViewQuery"]) {
    expect(types).toContain(`export type ${name} =`);
  }
  expect(types).not.toMatch(/: any\b|: unknown;\s*\/\/ (Date|CountryCode)/);
}, 120_000);

it("maps every custom scalar of the schema (strictScalars would refuse an unmapped one)", () => {
  const schema = readFileSync(join(root, "schema/schema.graphql"), "utf8");
  const scalars = [...schema.matchAll(/^scalar (\w+)/gm)].map((m) => m[1] ?? "");
  expect(scalars.length).toBeGreaterThanOrEqual(3);
  for (const scalar of scalars) expect(Object.keys(SCALARS)).toContain(scalar);
  const generated = config.generates as Record<string, { config: { strictScalars: boolean } }>;
  expect(generated["src/dashboard/generated/"]?.config.strictScalars).toBe(true);
});
