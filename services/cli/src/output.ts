/** Small helpers for human-readable output. */

/** Formats rows as a left-aligned table with a header row. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Unix ms → "2025-01-31 12:34:56" (UTC). */
export function formatTime(unixMs: number): string {
  return unixMs ? new Date(unixMs).toISOString().replace('T', ' ').slice(0, 19) : '-';
}

/** Tensor shape as "[-1,3,48,192]". */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Parses repeated "key=value" options into a map. */
export function parsePairs(pairs: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`${what} ${JSON.stringify(pair)} must look like key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
