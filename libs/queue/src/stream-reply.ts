/** One entry of a stream read: id and flat field list. */
export type StreamEntry = [id: string, fields: Buffer[]];

/**
 * Parses the binary reply of XREAD/XREADGROUP (`[[key, [[id, fields], ...]], ...]`, or null) into the
 * entries of each stream. Entries whose fields are nil (deleted while pending) come back with [].
 */
export function parseStreamsReply(reply: unknown): Map<string, StreamEntry[]> {
  const out = new Map<string, StreamEntry[]>();
  if (!Array.isArray(reply)) return out;
  for (const stream of reply as unknown[]) {
    if (!Array.isArray(stream)) continue;
    const [key, entries] = stream as [Buffer, unknown];
    out.set(String(key), parseEntries(entries));
  }
  return out;
}

/** Parses a list of `[id, fields]` entries (XRANGE, XAUTOCLAIM's second element). */
export function parseEntries(entries: unknown): StreamEntry[] {
  if (!Array.isArray(entries)) return [];
  return (entries as unknown[]).flatMap((e): StreamEntry[] => {
    if (!Array.isArray(e)) return [];
    const [id, fields] = e as [Buffer, Buffer[] | null];
    return [[String(id), Array.isArray(fields) ? fields : []]];
  });
}

/** Milliseconds part of a stream id ("1700000000000-0" → 1700000000000). */
export function streamIdMs(id: string): number {
  return Number(id.split('-')[0]);
}
