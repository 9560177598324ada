import { compileBenchConfig } from './config';
import { computeRatios } from './ratios';
import { floorsTable, formatNumber, idleTable, loadGeneratorTable, renderMarkdown, sideBySideTable, summaryTable } from './report-table';
import { escapeXml, logTicks, renderSvg, seriesOf } from './report-svg';
import type { BenchResults, ModelResult, ServingRun } from './results';
import { summarizeLatencies } from './stats';

function model(): ModelResult {
  const runs: ServingRun[] = [1, 8, 32].flatMap((c) =>
    (['maas-batched', 'maas-unbatched', 'triton-batched', 'triton-unbatched'] as const).map((variant, i): ServingRun => ({
      variant,
      concurrency: c,
      durationS: 2,
      requests: 100,
      errors: variant === 'triton-batched' && c === 32 ? 3 : 0,
      errorKinds: (variant === 'triton-batched' && c === 32 ? { DEADLINE_EXCEEDED: { count: 3, message: 'Deadline <exceeded>' } } : {}) as ServingRun['errorKinds'],
      throughputPerSecond: 100 * c * (4 - i),
      latencyMs: summarizeLatencies([c, c * 2, c * 3 + i]),
      cpuMsPerRequest: variant.startsWith('maas') ? { gateway: 0.2, worker: 0.1 } : { tritonserver: 0.05, stubs: 0.05 },
    })),
  );
  const raw = {
    latencyBatch1Ms: summarizeLatencies([0.5, 0.6, 0.7]),
    sweep: [1, 8].map((b) => ({ batchSize: b, runs: 10, itemsPerSecond: 1000 * b, latencyMs: summarizeLatencies([b * 0.5]) })),
    bestBatchSize: 8,
    throughputItemsPerSecond: 8000,
  };
  return { model: 'ocr-cls', description: 'a & b', requestShapes: { x: [1, 3, 48, 192] }, raw, runs, ratios: computeRatios(raw, runs) };
}

function results(): BenchResults {
  return {
    schema: 'maas-bench/v2',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    machine: { cpuModel: 'cpu', cpus: 2, totalMemoryBytes: 2 ** 33, platform: 'linux', node: 'v20', onnxruntimeNode: '1.29.0', loadAverageAtStart: [1, 1, 1], loadAverageAtEnd: [2, 2, 2] },
    config: compileBenchConfig({ BENCH_QUICK: '1' }, '/repo'),
    loadGenerator: 'lg',
    peers: { triton: 'Triton 2.51.0' },
    notes: ['noisy'],
    models: [model()],
    floors: [
      { floor: 'grpc-echo', model: 'ocr-cls', payloadBytes: 110592, concurrency: 1, requests: 10, throughputPerSecond: 2000, latencyMs: summarizeLatencies([0.4, 0.5]), cpuMsPerRequest: { echo: 0.1 } },
      { floor: 'redis-streams', model: 'ocr-cls', payloadBytes: 110592, concurrency: 1, requests: 10, throughputPerSecond: 2000, latencyMs: summarizeLatencies([0.3]), cpuMsPerRequest: { responder: 0.1, redis: 0.1 } },
    ],
    idle: [
      { server: 'maas-dependencies', models: 0, seconds: 10, cpuMsPerSecond: { consul: 12, redis: 2 } },
      { server: 'maas', models: 25, seconds: 10, cpuMsPerSecond: { gateway: 5, worker: 80 } },
    ],
    loadGeneratorCheck: [{ target: 'triton-unbatched', model: 'ocr-cls', concurrency: 1, readings: [{ tool: 'bench', requests: 9, errors: 0, throughputPerSecond: 900, latencyMs: { p50: 1, p90: 1.1, p99: 1.2, mean: 1 }, clientCpuMsPerRequest: 0.1 }, { tool: 'ghz', requests: 8, errors: 0, throughputPerSecond: 800, latencyMs: { p50: 1.2, p90: 1.3, p99: 1.4, mean: 1.2 }, clientCpuMsPerRequest: 0.08 }] }],
  };
}

describe('Markdown report', () => {
  it('formats numbers by size and marks missing ones', () => {
    expect(formatNumber(1234.4)).toBe('1234');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(0.04321)).toBe('0.043');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  it('has a summary row per model with the ratios to raw', () => {
    const lines = summaryTable([model()]).split('\n');
    expect(lines).toHaveLength(3);
    const row = lines[2]!.split('|').map((c) => c.trim());
    expect(row[1]).toBe('ocr-cls');
    expect(row[5]).toBe('8000 (b8)');
    // best maas 100*32*4 = 12800 over raw's 8000
    expect(row[6]).toBe('12800');
    expect(row[7]).toBe('1.60×');
  });

  it('puts maas beside each peer with the ratios in the peer rows', () => {
    const lines = sideBySideTable([model()]).split('\n');
    expect(lines).toHaveLength(4);
    const maas = lines[2]!.split('|').map((c) => c.trim());
    const triton = lines[3]!.split('|').map((c) => c.trim());
    expect(maas[2]).toBe('**maas**');
    // c1: maas-batched p50 2 beats maas-unbatched p50 2 (tie: the first sorted), p90/p99 = 3
    expect(maas[3]).toBe('2.00 / 3.00 / 3.00 (batched)');
    expect(maas[4]).toBe('12800 (batched c32)');
    expect(maas[5]).toBe('c32: 0.300 (gateway 0.200, worker 0.100)');
    expect(triton[2]).toBe('triton');
    expect(triton[4]).toBe('6400 (batched c32)');
    // maas / triton: throughput 12800 / 6400, CPU 0.3 / 0.1
    expect(triton[7]).toBe('2.00×');
    expect(triton[8]).toBe('3.00×');
  });

  it('renders floors with raw ORT, idle CPU and the two load generators', () => {
    const r = results();
    expect(floorsTable(r.floors!, r.models)).toContain('bare @grpc/grpc-js echo (own process) | ocr-cls (110592 B) | 1 | 2000');
    expect(floorsTable(r.floors!, r.models)).toContain('raw onnxruntime-node, in process');
    // echo p50 0.4 + Redis p50 0.3 + raw b1 p50 0.6
    expect(floorsTable(r.floors!, r.models)).toContain("| **maas's floor** (grpc-js echo + Redis request/reply + raw, p50s added) | ocr-cls | 1 |  | **1.30** |  |");
    // With the fast-path echo measured, it is maas's gRPC floor (fast echo p50 0.2 + 0.3 + 0.6).
    const withFast = [...r.floors!, { floor: 'fast-echo' as const, model: 'ocr-cls', payloadBytes: 110592, concurrency: 1, requests: 10, throughputPerSecond: 3000, latencyMs: summarizeLatencies([0.2]), cpuMsPerRequest: { echo: 0.05 } }];
    expect(floorsTable(withFast, r.models)).toContain("| the same echo on maas's fast gRPC path (own process) | ocr-cls (110592 B) | 1 | 3000 |");
    expect(floorsTable(withFast, r.models)).toContain("| **maas's floor** (fast-path echo + Redis request/reply + raw, p50s added) | ocr-cls | 1 |  | **1.10** |  |");
    // The queue chain measured end to end: c1 p50 0.9 + raw b1 p50 0.6; CPU at c128 0.8 + raw's best (b8: 4.0 ms / 8).
    const chain = (concurrency: number, p50: number, throughputPerSecond: number, cpuMsPerRequest: Record<string, number>) => ({ floor: 'queue-chain' as const, model: 'ocr-cls', payloadBytes: 110592, concurrency, requests: 10, throughputPerSecond, latencyMs: summarizeLatencies([p50]), cpuMsPerRequest });
    const withChain = [...r.floors!, chain(1, 0.9, 700, { front: 0.3, responder: 0.1, redis: 0.1 }), chain(128, 90, 500, { front: 0.5, responder: 0.2, redis: 0.1 })];
    const chainTable = floorsTable(withChain, r.models);
    expect(chainTable).toContain('| queue chain: fast-path gRPC front → Redis Streams → responder → front (three processes, no maas code, no model) | ocr-cls (110592 B) | 128 | 500 |');
    expect(chainTable).toContain('| **design floor** (queue chain + raw, end to end) | ocr-cls | 1 / 128 | 500 at c128 | **1.50** at c1 | 1.30 at c128 |');
    expect(idleTable(r.idle!)).toContain('| maas | 25 | 10.0 | 85.0 (gateway 5.00, worker 80.0) |');
    expect(idleTable(r.idle!)).toContain('| maas-dependencies | 0 | 10.0 | 14.0 (consul 12.0, redis 2.00) |');
    const lg = loadGeneratorTable(r.loadGeneratorCheck!).split('\n');
    expect(lg).toHaveLength(4);
    expect(lg[3]).toContain('ghz v0.93.0 | 800');
  });

  it('says where maas\'s workers ran when the run placed them, and nothing when it did not', () => {
    expect(renderMarkdown(results())).toContain('1 maas worker(s); MLServer');
    const placed = { ...results(), config: compileBenchConfig({ BENCH_QUICK: '1', BENCH_MAAS_WORKER_CPUS: '1' }, '/repo') };
    expect(renderMarkdown(placed)).toContain('1 maas worker(s) on CPU 1 of their own (the bench, Redis, Consul, registry, gateway and load generator on the others; peers not placed)');
  });

  it('renders every run, the best raw batch, errors and notes', () => {
    const md = renderMarkdown(results());
    expect(md).toContain('## ocr-cls');
    expect(md).toContain('raw ORT, batch 8 (best)');
    expect(md.match(/^\| (maas|triton)-(batched|unbatched)/gm)).toHaveLength(12);
    expect(md).toContain('triton-batched c32: DEADLINE_EXCEEDED ×3');
    expect(md).toContain('## Side by side');
    expect(md).toContain('## Floors');
    expect(md).toContain('## Idle');
    expect(md).toContain('## Load generators');
    expect(md).toContain('Peer triton: Triton 2.51.0.');
    expect(md).toContain('- noisy');
  });
});

describe('SVG plot', () => {
  it('log ticks step 1-2-5 inside the range and thin out over many decades', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(0.01, 100000)).toEqual([0.01, 0.1, 1, 10, 100, 1000, 10000, 100000]);
    expect(() => logTicks(0, 1)).toThrow(RangeError);
  });

  it('escapes text', () => {
    expect(escapeXml(`<a & "b">`)).toBe('&lt;a &amp; &quot;b&quot;&gt;');
  });

  it('draws raw and a p50 and p99 line per served variant', () => {
    const labels = seriesOf(model()).map((s) => s.label);
    expect(labels).toEqual([
      'raw ORT p50 (batch sweep)',
      'maas-batched p50',
      'maas-batched p99',
      'maas-unbatched p50',
      'maas-unbatched p99',
      'triton-batched p50',
      'triton-batched p99',
      'triton-unbatched p50',
      'triton-unbatched p99',
    ]);
  });

  it('is one well-formed svg document with a point per measurement', () => {
    const svg = renderSvg(results());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // 2 raw points + 4 variants x 2 quantiles x 3 concurrencies
    expect(svg.match(/<circle /g)).toHaveLength(2 + 24);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
