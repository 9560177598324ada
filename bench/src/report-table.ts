import type { BenchResults, ModelResult, ServingVariant } from './results';

const VARIANT_ORDER: ServingVariant[] = ['maas-batched', 'maas-unbatched', 'peer-batched', 'peer-unbatched'];

/** A number for a table cell: 3 significant digits below 100, whole numbers above; '—' for none. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toString();
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function signed(value: number | null): string {
  if (value === null) return '—';
  return `${value >= 0 ? '+' : ''}${formatNumber(value)}`;
}

function ratioCell(value: number | null): string {
  if (value === null) return '—';
  return `${value !== 0 && Math.abs(value) < 0.1 ? value.toPrecision(2) : value.toFixed(2)}×`;
}

/** Server CPU per request: the total, then each process (gateway, worker, redis / mlserver). */
function cpuCell(cpu: Record<string, number> | undefined): string {
  if (!cpu || Object.keys(cpu).length === 0) return '—';
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  const parts = Object.entries(cpu);
  return parts.length === 1 ? formatNumber(total) : `${formatNumber(total)} (${parts.map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')})`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The summary: one row per model with the ratios the issue asks for. */
export function summaryTable(models: readonly ModelResult[]): string {
  const rows = models.map((m) => {
    const bestPeerC = m.runs.filter((r) => r.variant.startsWith('peer-'));
    const bestMaas = m.runs.filter((r) => r.variant.startsWith('maas-'));
    const maxOf = (rs: typeof m.runs) => (rs.length ? Math.max(...rs.map((r) => r.throughputPerSecond)) : null);
    return [
      m.model,
      formatNumber(m.raw?.latencyBatch1Ms.p50),
      `${signed(m.ratios.overheadP50Ms.unbatched)} / ${signed(m.ratios.overheadP50Ms.batched)}`,
      `${signed(m.ratios.overheadP99Ms.unbatched)} / ${signed(m.ratios.overheadP99Ms.batched)}`,
      m.raw ? `${formatNumber(m.raw.throughputItemsPerSecond)} (b${m.raw.bestBatchSize})` : '—',
      formatNumber(maxOf(bestMaas)),
      formatNumber(maxOf(bestPeerC)),
      ratioCell(m.ratios.throughputVsRaw),
      ratioCell(m.ratios.throughputVsPeer),
      Object.entries(m.ratios.p99VsPeer).map(([c, v]) => `${c} ${v.toFixed(2)}×`).join(', ') || '—',
    ];
  });
  return table(
    ['model', 'raw p50 b1 ms', 'maas p50 overhead ms (unbatched / batched)', 'maas p99 overhead ms (unbatched / batched)', 'raw best items/s', 'maas best req/s', 'peer best req/s', 'maas / raw tput', 'maas / peer tput', 'maas / peer p99'],
    rows,
  );
}

/** Every measurement of one model: raw points, then each served variant at each concurrency. */
export function modelTable(m: ModelResult): string {
  const rows: string[][] = [];
  if (m.raw) {
    const r = m.raw.latencyBatch1Ms;
    rows.push(['raw ORT, batch 1 (latency run)', '1', formatNumber(1000 / r.mean), formatNumber(r.p50), formatNumber(r.p90), formatNumber(r.p99), '0', formatNumber(r.mean)]);
    for (const p of m.raw.sweep) {
      const mark = p.batchSize === m.raw.bestBatchSize ? ' (best)' : '';
      rows.push([`raw ORT, batch ${p.batchSize}${mark}`, '1', formatNumber(p.itemsPerSecond), formatNumber(p.latencyMs.p50), formatNumber(p.latencyMs.p90), formatNumber(p.latencyMs.p99), '0', formatNumber(p.latencyMs.mean / p.batchSize)]);
    }
  }
  const runs = [...m.runs].sort((a, b) => VARIANT_ORDER.indexOf(a.variant) - VARIANT_ORDER.indexOf(b.variant) || a.concurrency - b.concurrency);
  for (const run of runs) {
    rows.push([
      run.variant,
      String(run.concurrency),
      formatNumber(run.throughputPerSecond),
      formatNumber(run.latencyMs.p50),
      formatNumber(run.latencyMs.p90),
      formatNumber(run.latencyMs.p99),
      String(run.errors),
      cpuCell(run.cpuMsPerRequest),
    ]);
  }
  return table(['target', 'concurrency', 'items/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'CPU ms per item'], rows);
}

/** The whole report as Markdown: settings, summary, one table per model, error samples. */
export function renderMarkdown(results: BenchResults): string {
  const c = results.config;
  const out: string[] = [
    `# maas bench — ${results.startedAt}`,
    '',
    `Machine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${(results.machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, node ${results.machine.node}, onnxruntime-node ${results.machine.onnxruntimeNode}; load average at start ${results.machine.loadAverageAtStart.map((v) => v.toFixed(2)).join(' ')}, at end ${results.machine.loadAverageAtEnd.map((v) => v.toFixed(2)).join(' ')}.`,
    `Runs: ${c.durationMs / 1000} s measured after ${c.warmupMs / 1000} s warm-up; ORT intra-op ${c.intraOpThreads}, inter-op ${c.interOpThreads}; batched variants: max batch ${c.maxBatchSize}, max queue delay ${c.maxQueueDelayUs} µs; ${c.workers} maas worker(s); MLServer parallel_workers ${c.peerParallelWorkers}.`,
    `Load generator: ${results.loadGenerator}. Peer: ${results.peer}.`,
    '',
    'Every request carries one item (batch 1). Raw rows are in-process `session.run` calls (items/s for batch 1 is 1000 / mean ms). Overheads are maas at concurrency 1 minus raw batch 1. CPU ms per item: raw = mean run time / batch; served = CPU time of the server processes (from /proc, warm-up included) / requests answered — contention stretches latency far more than it stretches this.',
    '',
    '## Summary',
    '',
    summaryTable(results.models),
  ];
  for (const m of results.models) {
    out.push('', `## ${m.model}`, '', m.description, '', modelTable(m));
    const errors = m.runs.flatMap((r) => Object.entries(r.errorKinds).map(([k, v]) => `- ${r.variant} c${r.concurrency}: ${k} ×${v.count}: ${v.message}`));
    if (errors.length) out.push('', 'Errors:', '', ...errors);
  }
  if (results.notes.length) out.push('', '## Notes', '', ...results.notes.map((n) => `- ${n}`));
  return out.join('\n') + '\n';
}
