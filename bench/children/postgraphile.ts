// The peer: PostGraphile v5 (its Amber preset, as its docs start a project) over the same
// PostgreSQL database, on node:http through grafserv, with a pool of the size the bench passes
// (pg's default of 10 unless `--peer-pool` says otherwise).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { serveCommands } from "../ipc.js";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error("PostGraphile runs on PostgreSQL only: DATABASE_URL is unset");

const poolMax = Number(process.argv[2] ?? 10);

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString, schemas: ["public"], poolConfig: { max: poolMax } })],
  grafserv: { graphqlPath: "/graphql", graphiql: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
// Built before the first request, as ours is: the schema is part of starting up.
await pgl.getSchema();

serveCommands({ port: (server.address() as AddressInfo).port }, {}, async () => {
  server.close();
  await pgl.release();
});
