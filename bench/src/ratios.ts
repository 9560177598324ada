import type { ModelRatios, RawResult, ServingRun, ServingVariant } from './results';

function find(runs: readonly ServingRun[], variant: ServingVariant, concurrency: number): ServingRun | undefined {
  return runs.find((r) => r.variant === variant && r.concurrency === concurrency);
}

function best(runs: readonly ServingRun[], prefix: 'maas' | 'peer'): number | null {
  const mine = runs.filter((r) => r.variant.startsWith(`${prefix}-`));
  if (mine.length === 0) return null;
  return Math.max(...mine.map((r) => r.throughputPerSecond));
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** Computes a model's ratios from its raw result and its serving runs. */
export function computeRatios(raw: RawResult | null, runs: readonly ServingRun[]): ModelRatios {
  const c1 = (variant: ServingVariant) => find(runs, variant, 1);
  const overhead = (variant: ServingVariant, q: 'p50' | 'p99'): number | null => {
    const run = c1(variant);
    return run && raw ? run.latencyMs[q] - raw.latencyBatch1Ms[q] : null;
  };
  const p99VsPeer: Record<string, number> = {};
  const concurrencies = [...new Set(runs.map((r) => r.concurrency))].sort((a, b) => a - b);
  for (const c of concurrencies) {
    const kind = c === 1 ? 'unbatched' : 'batched';
    const value = ratio(find(runs, `maas-${kind}`, c)?.latencyMs.p99, find(runs, `peer-${kind}`, c)?.latencyMs.p99);
    if (value !== null) p99VsPeer[`c${c}`] = value;
  }
  return {
    overheadP50Ms: { batched: overhead('maas-batched', 'p50'), unbatched: overhead('maas-unbatched', 'p50') },
    overheadP99Ms: { batched: overhead('maas-batched', 'p99'), unbatched: overhead('maas-unbatched', 'p99') },
    throughputVsRaw: ratio(best(runs, 'maas'), raw?.throughputItemsPerSecond),
    throughputVsPeer: ratio(best(runs, 'maas'), best(runs, 'peer')),
    p99VsPeer,
  };
}
