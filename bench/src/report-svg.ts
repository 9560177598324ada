import type { BenchResults, ModelResult } from './results';

/** One line of the plot: (throughput, latency) points in order of load. */
export interface PlotSeries {
  label: string;
  color: string;
  dashed: boolean;
  points: Array<{ x: number; y: number; note: string }>;
}

const PANEL_W = 440;
const PANEL_H = 340;
const MARGIN = { left: 58, right: 14, top: 34, bottom: 46 };
/** Height of the legend: a top margin and one row of five entries per 18 px. */
const legendHeight = (entries: number): number => 22 + Math.max(2, Math.ceil(entries / 5)) * 18;

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tick values for a log axis spanning [min, max]: 1-2-5 steps per decade, thinned to at most ~8. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0 && max >= min)) throw new RangeError(`log axis needs 0 < min <= max, got ${min}..${max}`);
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  if (ticks.length > 8) return ticks.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return ticks;
}

function tickLabel(v: number): string {
  if (v >= 1000) return `${v / 1000}k`;
  return String(Number(v.toPrecision(3)));
}

/** The series of one model: raw sweep, and p50 and p99 of each served variant over concurrency. */
export function seriesOf(m: ModelResult): PlotSeries[] {
  const series: PlotSeries[] = [];
  if (m.raw) {
    series.push({
      label: 'raw ORT p50 (batch sweep)',
      color: '#444444',
      dashed: false,
      points: m.raw.sweep.map((p) => ({ x: p.itemsPerSecond, y: p.latencyMs.p50, note: `batch ${p.batchSize}` })),
    });
  }
  const colors: Record<string, string> = {
    'maas-batched': '#1f77b4',
    'maas-unbatched': '#17becf',
    'triton-batched': '#2ca02c',
    'triton-unbatched': '#98df8a',
    'kserve-batched': '#9467bd',
    'kserve-unbatched': '#c5b0d5',
    'mlserver-batched': '#d62728',
    'mlserver-unbatched': '#ff9896',
  };
  for (const variant of Object.keys(colors)) {
    const runs = m.runs.filter((r) => r.variant === variant).sort((a, b) => a.concurrency - b.concurrency);
    if (runs.length === 0) continue;
    for (const q of ['p50', 'p99'] as const) {
      series.push({
        label: `${variant} ${q}`,
        color: colors[variant]!,
        dashed: q === 'p99',
        points: runs.map((r) => ({ x: r.throughputPerSecond, y: r.latencyMs[q], note: `c${r.concurrency}` })),
      });
    }
  }
  return series.map((s) => ({ ...s, points: s.points.filter((p) => p.x > 0 && p.y > 0) })).filter((s) => s.points.length > 0);
}

function panel(title: string, series: PlotSeries[], offsetX: number): string {
  const all = series.flatMap((s) => s.points);
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const out: string[] = [`<g transform="translate(${offsetX},0)">`, `<text x="${PANEL_W / 2}" y="20" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`];
  if (all.length === 0) {
    out.push(`<text x="${PANEL_W / 2}" y="${PANEL_H / 2}" text-anchor="middle">no data</text></g>`);
    return out.join('\n');
  }
  // Pad to whole half-decades so points never sit on the frame.
  const pad = (vs: number[]): [number, number] => [10 ** (Math.floor(Math.log10(Math.min(...vs)) * 2) / 2), 10 ** (Math.ceil(Math.log10(Math.max(...vs)) * 2 + 0.001) / 2)];
  const [xlo, xhi] = pad(all.map((p) => p.x));
  const [ylo, yhi] = pad(all.map((p) => p.y));
  const sx = (x: number) => MARGIN.left + ((Math.log10(x) - Math.log10(xlo)) / (Math.log10(xhi) - Math.log10(xlo))) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((Math.log10(y) - Math.log10(ylo)) / (Math.log10(yhi) - Math.log10(ylo))) * plotH;
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  for (const t of logTicks(xlo, xhi)) {
    const x = sx(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle" font-size="11">${tickLabel(t)}</text>`);
  }
  for (const t of logTicks(ylo, yhi)) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${tickLabel(t)}</text>`);
  }
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${PANEL_H - 8}" text-anchor="middle" font-size="12">throughput, items/s (log)</text>`);
  out.push(`<text transform="translate(14,${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">latency, ms (log)</text>`);
  for (const s of series) {
    const pts = s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${s.dashed ? 'white' : s.color}" stroke="${s.color}"><title>${escapeXml(`${s.label} ${p.note}: ${p.x.toFixed(0)} items/s, ${p.y.toFixed(3)} ms`)}</title></circle>`,
      );
    }
  }
  out.push('</g>');
  return out.join('\n');
}

/** An SVG of latency against throughput, one log-log panel per model, with a shared legend. */
export function renderSvg(results: Pick<BenchResults, 'models' | 'startedAt'>): string {
  const panels = results.models.map((m) => ({ title: m.model, series: seriesOf(m) }));
  const width = Math.max(1, panels.length) * PANEL_W;
  const legendSeries = new Map<string, PlotSeries>();
  for (const p of panels) for (const s of p.series) if (!legendSeries.has(s.label)) legendSeries.set(s.label, s);
  const height = PANEL_H + legendHeight(legendSeries.size);
  const legend: string[] = [];
  let i = 0;
  for (const s of legendSeries.values()) {
    const col = i % 5;
    const row = Math.floor(i / 5);
    const x = 10 + col * 240;
    const y = PANEL_H + 14 + row * 18;
    legend.push(`<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    legend.push(`<text x="${x + 30}" y="${y}" dominant-baseline="middle" font-size="11">${escapeXml(s.label)}</text>`);
    i++;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(width, 1210)}" height="${height}" viewBox="0 0 ${Math.max(width, 1210)} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(`maas bench ${results.startedAt}: latency vs throughput`)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((p, idx) => panel(p.title, p.series, idx * PANEL_W)),
    ...legend,
    '</svg>',
  ].join('\n') + '\n';
}
