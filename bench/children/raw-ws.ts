// The floor for fan-out: a raw `ws` server that broadcasts a payload to every open socket.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { serveCommands, settledMemory } from "../ipc.js";

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: "/graphql" });
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

serveCommands(
  { port: (server.address() as AddressInfo).port },
  {
    stats: () => ({ clients: wss.clients.size, ...settledMemory() }),
    broadcast: (args: { payload: string }) => {
      for (const socket of wss.clients) socket.send(args.payload);
      return wss.clients.size;
    },
  },
  async () => {
    for (const socket of wss.clients) socket.terminate();
    wss.close();
    server.close();
  },
);
