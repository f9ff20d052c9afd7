// The nested read's ceiling for any server built on drizzle: a bare node:http server that hands
// drizzle the very relational query our server built (captured from the app child), prepared
// once with the slug as a placeholder as ours is, and returns the row as JSON. It opens the database as the app
// does (src/db/client.ts: the same pool, parsers and prepared statements), and no GraphQL runs.
// Between this and the SQL floor is what drizzle costs; between ours and this, what the GraphQL
// layer (Yoga, Pothos, its drizzle plugin) costs.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { databaseOptions, openDatabase } from "../../src/db/client.js";
import { serveCommands } from "../ipc.js";

const config = loadConfig({ ...process.env, LOG_LEVEL: "silent", SEED: "false", PORT: "0" });
let statements: string[] = [];
const database = await openDatabase({
  ...databaseOptions(config),
  onQuery: (sql) => {
    if (statements.length < 10) statements.push(sql);
  },
});
type Query = Parameters<typeof database.db.query.exchangeEvent.findFirst>[0];
/** Prepared with the slug as a placeholder: the best drizzle does. */
let prepared: { execute(values: { slug: string }): Promise<unknown> } | undefined;

const server = createServer(async (req, res) => {
  try {
    if (!prepared) throw new Error("no query captured yet");
    const slug = new URL(req.url ?? "/", "http://x").searchParams.get("slug") ?? "";
    const row = await prepared.execute({ slug });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { exchangeEvent: row } }));
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

serveCommands(
  { port: (server.address() as AddressInfo).port },
  {
    setQuery: (query: Query) => {
      prepared = database.db.query.exchangeEvent
        .findFirst({ ...query, where: { slug: sql.placeholder("slug") } })
        .prepare("bench_drizzle_alone");
      statements = [];
      return null;
    },
    /** The SQL run since setQuery, for the parent to check it is the SQL our server ran. */
    statements: () => statements,
  },
  async () => {
    server.close();
    await database.close();
  },
);
