import { compileBenchConfig } from './config';
import { computeRatios } from './ratios';
import { formatNumber, renderMarkdown, summaryTable } from './report-table';
import { escapeXml, logTicks, renderSvg, seriesOf } from './report-svg';
import type { BenchResults, ModelResult, ServingRun } from './results';
import { summarizeLatencies } from './stats';

function model(): ModelResult {
  const runs: ServingRun[] = [1, 8, 32].flatMap((c) =>
    (['maas-batched', 'maas-unbatched', 'peer-batched', 'peer-unbatched'] as const).map((variant, i): ServingRun => ({
      variant,
      concurrency: c,
      durationS: 2,
      requests: 100,
      errors: variant === 'peer-batched' && c === 32 ? 3 : 0,
      errorKinds: (variant === 'peer-batched' && c === 32 ? { DEADLINE_EXCEEDED: { count: 3, message: 'Deadline <exceeded>' } } : {}) as ServingRun['errorKinds'],
      throughputPerSecond: 100 * c * (4 - i),
      latencyMs: summarizeLatencies([c, c * 2, c * 3 + i]),
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
    schema: 'maas-bench/v1',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    machine: { cpuModel: 'cpu', cpus: 2, totalMemoryBytes: 2 ** 33, platform: 'linux', node: 'v20', onnxruntimeNode: '1.29.0', loadAverageAtStart: [1, 1, 1], loadAverageAtEnd: [2, 2, 2] },
    config: compileBenchConfig({ BENCH_QUICK: '1' }, '/repo'),
    loadGenerator: 'lg',
    peer: 'MLServer',
    notes: ['noisy'],
    models: [model()],
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

  it('has a summary row per model with the ratios', () => {
    const lines = summaryTable([model()]).split('\n');
    expect(lines).toHaveLength(3);
    const row = lines[2]!.split('|').map((c) => c.trim());
    expect(row[1]).toBe('ocr-cls');
    expect(row[5]).toBe('8000 (b8)');
    // best maas 100*32*4 = 12800; best peer 100*32*2 = 6400
    expect(row[6]).toBe('12800');
    expect(row[9]).toBe('2.00×');
  });

  it('renders every run, the best raw batch, errors and notes', () => {
    const md = renderMarkdown(results());
    expect(md).toContain('## ocr-cls');
    expect(md).toContain('raw ORT, batch 8 (best)');
    expect(md.match(/^\| (maas|peer)-/gm)).toHaveLength(12);
    expect(md).toContain('peer-batched c32: DEADLINE_EXCEEDED ×3');
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
      'peer-batched p50',
      'peer-batched p99',
      'peer-unbatched p50',
      'peer-unbatched p99',
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
