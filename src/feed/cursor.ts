// Subscription cursors: an opaque encoding of a feed position, totally ordered like the feed.
const PREFIX = "feed:";

export function encodeCursor(position: number): string {
  return Buffer.from(`${PREFIX}${position}`, "utf8").toString("base64url");
}

/** The position of a cursor, or undefined when it is not one. */
export function decodeCursor(cursor: string): number | undefined {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^feed:(0|[1-9][0-9]{0,15})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}
