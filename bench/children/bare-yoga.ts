// The floor for transport overhead: createYoga with a trivial schema on node:http, nothing else.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";
import { serveCommands } from "../ipc.js";

const yoga = createYoga({
  schema: createSchema({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "hi" } } }),
  graphqlEndpoint: "/graphql",
  logging: false,
  landingPage: false,
});
const server = createServer(yoga);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

serveCommands({ port: (server.address() as AddressInfo).port }, {}, async () => {
  server.close();
});
