// The floor for reads and writes: a bare node:http server that runs the very SQL our server
// issued for the nested read (captured from the onQuery hook) and returns the rows as JSON; and
// the writes of addRelease made directly, in one transaction each.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serveCommands } from "../ipc.js";
import { openRawSql, type Target } from "../sql.js";

const target = JSON.parse(process.argv[2] as string) as Target;
const sql = await openRawSql(target, 10);

type Statement = { text: string; params: unknown[]; slugIndex: number };
let read: Statement[] | undefined;

const server = createServer(async (req, res) => {
  try {
    if (!read) throw new Error("no SQL captured yet");
    const slug = new URL(req.url ?? "/", "http://x").searchParams.get("slug");
    // The same statements our server ran, in order, with this request's slug.
    const results = [];
    for (const statement of read) {
      const params = [...statement.params];
      if (statement.slugIndex >= 0) params[statement.slugIndex] = slug;
      results.push(await sql.query(statement.text, params));
    }
    const body = JSON.stringify({ data: { exchangeEvent: results[0]?.[0] ?? null, more: results.slice(1) } });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

/** The inserts addRelease makes (release, its source link, audit, feed append), no checks. */
async function insertRelease(personId: number, releasedOn: string, sourceId: number) {
  await sql.transaction(async (q) => {
    const [row] = await q(
      "insert into release (person_id, released_on, from_country, to_country, recorded_by) values ($1, $2, 'RU', 'DE', 'bench') returning *",
      [personId, releasedOn],
    );
    const id = (row as { id: number }).id;
    await q("insert into release_source (release_id, source_id) values ($1, $2) on conflict do nothing", [
      id,
      sourceId,
    ]);
    await q("insert into audit (actor, action, entity, entity_id) values ('bench', 'addRelease', 'release', $1)", [id]);
    await q(
      `with head as (
        insert into feed_head (id, position) values (1, 1)
        on conflict (id) do update set position = feed_head.position + 1
        returning position
      ), event as (
        insert into feed_event (position, kind, entity_id) select position, 'release', $1 from head returning position
      )
      select position, pg_notify('feed_event', position::text) from event`,
      [id],
    );
  });
}

serveCommands(
  { port: (server.address() as AddressInfo).port },
  {
    setRead: (args: Statement[]) => {
      read = args;
      return null;
    },
    /** `workers` concurrent writers for `durationMs`; each write uses the next (person, day). */
    writes: async (args: { workers: number; durationMs: number; persons: number; firstDay: number }) => {
      let next = 0;
      let errors = 0;
      const latencies: number[] = [];
      const end = performance.now() + args.durationMs;
      const worker = async () => {
        while (performance.now() < end) {
          const n = next++;
          const started = performance.now();
          const day = new Date(Date.UTC(2030, 0, 1) + (args.firstDay + Math.floor(n / args.persons)) * 86_400_000);
          try {
            await insertRelease((n % args.persons) + 1, day.toISOString().slice(0, 10), 1);
            latencies.push(performance.now() - started);
          } catch {
            errors++;
          }
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: args.workers }, worker));
      return { count: latencies.length, errors, seconds: (performance.now() - started) / 1000, latencies };
    },
  },
  async () => {
    server.close();
    await sql.close();
  },
);
