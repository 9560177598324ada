import { bestAtC1, bestAtTop, bestThroughput } from './ratios';
import { PEER_NAMES, serverOf, type BenchResults, type FloorRun, type IdleRun, type LoadGeneratorCheck, type ModelResult, type ServerName, type ServingRun, type ServingVariant } from './results';

const SERVERS: ServerName[] = ['maas', ...PEER_NAMES];
const VARIANT_ORDER: ServingVariant[] = SERVERS.flatMap((s) => [`${s}-batched`, `${s}-unbatched`] as const);

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
    return [
      m.model,
      formatNumber(m.raw?.latencyBatch1Ms.p50),
      `${signed(m.ratios.overheadP50Ms.unbatched)} / ${signed(m.ratios.overheadP50Ms.batched)}`,
      `${signed(m.ratios.overheadP99Ms.unbatched)} / ${signed(m.ratios.overheadP99Ms.batched)}`,
      m.raw ? `${formatNumber(m.raw.throughputItemsPerSecond)} (b${m.raw.bestBatchSize})` : '—',
      formatNumber(bestThroughput(m.runs, 'maas')),
      ratioCell(m.ratios.throughputVsRaw),
    ];
  });
  return table(['model', 'raw p50 b1 ms', 'maas p50 overhead ms (unbatched / batched)', 'maas p99 overhead ms (unbatched / batched)', 'raw best items/s', 'maas best req/s', 'maas / raw tput'], rows);
}

function cpuBreakdown(run: ServingRun | undefined): string {
  return cpuCell(run?.cpuMsPerRequest);
}

/**
 * maas beside every peer, one row per model and server: p50/p90/p99 at concurrency 1 (the faster variant),
 * best throughput, server CPU per request at the top concurrency with its split by process, and maas over
 * the server for p50, throughput and CPU (below 1 for latency and CPU, above 1 for throughput: maas ahead).
 */
export function sideBySideTable(models: readonly ModelResult[]): string {
  const rows: string[][] = [];
  for (const m of models) {
    for (const server of SERVERS) {
      const mine = m.runs.filter((r) => serverOf(r.variant) === server);
      if (mine.length === 0) continue;
      const c1 = bestAtC1(m.runs, server);
      const top = bestAtTop(m.runs, server);
      const best = [...mine].sort((a, b) => b.throughputPerSecond - a.throughputPerSecond)[0]!;
      const vs = server === 'maas' ? undefined : m.ratios.vsPeers[server];
      rows.push([
        m.model,
        server === 'maas' ? '**maas**' : server,
        c1 ? `${formatNumber(c1.latencyMs.p50)} / ${formatNumber(c1.latencyMs.p90)} / ${formatNumber(c1.latencyMs.p99)} (${c1.variant.slice(server.length + 1)})` : '—',
        `${formatNumber(best.throughputPerSecond)} (${best.variant.slice(server.length + 1)} c${best.concurrency})`,
        top ? `c${top.concurrency}: ${cpuBreakdown(top)}` : '—',
        vs ? ratioCell(vs.p50C1) : '',
        vs ? ratioCell(vs.throughput) : '',
        vs ? ratioCell(vs.cpuPerRequestTop) : '',
      ]);
    }
  }
  return table(['model', 'server', 'c1 p50 / p90 / p99 ms (variant)', 'best req/s', 'server CPU ms per request (top concurrency)', 'maas / it: c1 p50', 'maas / it: best req/s', 'maas / it: CPU per request'], rows);
}

const FLOOR_NAMES: Record<FloorRun['floor'], string> = {
  'grpc-echo': 'bare @grpc/grpc-js echo (own process)',
  'fast-echo': "the same echo on maas's fast gRPC path (own process)",
  'redis-streams': 'Redis Streams request/reply (ioredis, responder process)',
  'queue-chain': 'queue chain: fast-path gRPC front → Redis Streams → responder → front (three processes, no maas code, no model)',
};

/** The floors: a bare gRPC echo (grpc-js and maas's fast path), a Redis Streams request/reply and both chained, per request size. */
export function floorsTable(floors: readonly FloorRun[], models: readonly ModelResult[]): string {
  const rows: string[][] = floors.map((f) => [
    FLOOR_NAMES[f.floor],
    `${f.model} (${f.payloadBytes} B)`,
    String(f.concurrency),
    formatNumber(f.throughputPerSecond),
    `${formatNumber(f.latencyMs.p50)} / ${formatNumber(f.latencyMs.p90)} / ${formatNumber(f.latencyMs.p99)}`,
    cpuCell(f.cpuMsPerRequest),
  ]);
  for (const m of models) {
    if (!m.raw) continue;
    const b1 = m.raw.latencyBatch1Ms;
    rows.push(['raw onnxruntime-node, in process', `${m.model} (batch 1; best b${m.raw.bestBatchSize})`, '1', `${formatNumber(1000 / b1.mean)} (best ${formatNumber(m.raw.throughputItemsPerSecond)} items/s)`, `${formatNumber(b1.p50)} / ${formatNumber(b1.p90)} / ${formatNumber(b1.p99)}`, formatNumber(b1.mean)]);
  }
  // What a maas request pays at the least by design: one gRPC call in, one Redis request/reply, the compute.
  for (const m of models) {
    const at1 = (floor: FloorRun['floor']) => floors.find((f) => f.floor === floor && f.model === m.model && f.concurrency === 1);
    // maas serves ModelInfer on its fast path: that echo is its gRPC floor when measured.
    const echo = at1('fast-echo') ?? at1('grpc-echo');
    const redis = at1('redis-streams');
    if (!m.raw || !echo || !redis) continue;
    const p50 = echo.latencyMs.p50 + redis.latencyMs.p50 + m.raw.latencyBatch1Ms.p50;
    rows.push([`**maas's floor** (${echo.floor === 'fast-echo' ? 'fast-path' : 'grpc-js'} echo + Redis request/reply + raw, p50s added)`, m.model, '1', '', `**${formatNumber(p50)}**`, '']);
  }
  // The same path measured end to end (the pieces chained: each hop wakes a process that slept), plus the compute.
  for (const m of models) {
    const chain = floors.filter((f) => f.floor === 'queue-chain' && f.model === m.model);
    const at1 = chain.find((f) => f.concurrency === 1);
    if (!m.raw || !at1) continue;
    const top = chain.reduce((a, b) => (b.concurrency > a.concurrency ? b : a), at1);
    // The compute at its cheapest per item (raw's best batch), as a batching worker at the top concurrency runs it.
    const best = m.raw.sweep.find((p) => p.batchSize === m.raw!.bestBatchSize);
    const cpu = Object.values(top.cpuMsPerRequest).reduce((a, b) => a + b, 0) + (best ? best.latencyMs.mean / best.batchSize : m.raw.latencyBatch1Ms.mean);
    rows.push([`**design floor** (queue chain + raw, end to end)`, m.model, `1 / ${top.concurrency}`, `${formatNumber(top.throughputPerSecond)} at c${top.concurrency}`, `**${formatNumber(at1.latencyMs.p50 + m.raw.latencyBatch1Ms.p50)}** at c1`, `${formatNumber(cpu)} at c${top.concurrency}`]);
  }
  return table(['floor', 'request', 'concurrency', 'req/s', 'p50 / p90 / p99 ms', 'CPU ms per request'], rows);
}

/** CPU each server burns idle, per second, with its split by process. */
export function idleTable(idle: readonly IdleRun[]): string {
  return table(
    ['server', 'models loaded', 'seconds read', 'CPU ms per second'],
    idle.map((r) => [r.server, String(r.models), formatNumber(r.seconds), cpuCell(r.cpuMsPerSecond)]),
  );
}

/** ghz and the bench's load generator on the same target, back to back. */
export function loadGeneratorTable(checks: readonly LoadGeneratorCheck[]): string {
  const rows = checks.flatMap((c) =>
    c.readings.map((r) => [
      `${c.model} on ${c.target}`,
      String(c.concurrency),
      r.tool === 'ghz' ? 'ghz v0.93.0' : 'bench (node:http2)',
      formatNumber(r.throughputPerSecond),
      `${formatNumber(r.latencyMs.p50)} / ${formatNumber(r.latencyMs.p90)} / ${formatNumber(r.latencyMs.p99)}`,
      formatNumber(r.clientCpuMsPerRequest),
      String(r.errors),
    ]),
  );
  return table(['target', 'concurrency', 'load generator', 'req/s', 'p50 / p90 / p99 ms', 'client CPU ms per request', 'errors'], rows);
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
    `Runs: ${c.durationMs / 1000} s measured after ${c.warmupMs / 1000} s warm-up; ORT intra-op ${c.intraOpThreads}, inter-op ${c.interOpThreads}; batched variants: max batch ${c.maxBatchSize}, max queue delay ${c.maxQueueDelayUs} µs; ${c.workers} maas worker(s)${c.maasWorkerCpus ? ` on CPU ${c.maasWorkerCpus.join(',')} of their own (the bench, Redis, Consul, registry, gateway and load generator on the others; peers not placed)` : ''}; MLServer parallel_workers ${c.peerParallelWorkers}; one server at a time, the order alternated from model to model.`,
    `Load generator: ${results.loadGenerator}.`,
    ...Object.entries(results.peers ?? {}).map(([name, version]) => `Peer ${name}: ${version}.`),
    '',
    'Every request carries one item (batch 1). Raw rows are in-process `session.run` calls (items/s for batch 1 is 1000 / mean ms). Overheads are maas at concurrency 1 minus raw batch 1. CPU ms per item: raw = mean run time / batch; served = CPU time of the server processes (from /proc, warm-up included) / requests answered — contention stretches latency far more than it stretches this.',
    '',
    '## Summary',
    '',
    summaryTable(results.models),
  ];
  if (results.models.some((m) => m.runs.length > 0)) out.push('', '## Side by side', '', sideBySideTable(results.models));
  if (results.floors?.length) out.push('', '## Floors', '', 'What a request costs below any server on this machine, in the same run.', '', floorsTable(results.floors, results.models));
  if (results.idle?.length) out.push('', '## Idle', '', 'CPU burnt while nothing is asked, models loaded and served (maas: the whole stack, Consul and registry included). maas-dependencies is a bare Consul dev agent and a bare Redis, nothing registered, no maas process; maas-design-floor is the idle floor of the design: the same two with one bare process per service (gateway, registry, worker), each a gRPC health server that Consul checks at the interval the stack uses, plus one blocked Redis read, none of maas\'s code.', '', idleTable(results.idle));
  if (results.loadGeneratorCheck?.length) out.push('', '## Load generators', '', 'ghz and the bench load generator on the same target, back to back, one connection each.', '', loadGeneratorTable(results.loadGeneratorCheck));
  for (const m of results.models) {
    out.push('', `## ${m.model}`, '', m.description, '', modelTable(m));
    const errors = m.runs.flatMap((r) => Object.entries(r.errorKinds).map(([k, v]) => `- ${r.variant} c${r.concurrency}: ${k} ×${v.count}: ${v.message}`));
    if (errors.length) out.push('', 'Errors:', '', ...errors);
  }
  if (results.notes.length) out.push('', '## Notes', '', ...results.notes.map((n) => `- ${n}`));
  return out.join('\n') + '\n';
}
