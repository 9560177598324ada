import { computeRatios } from './ratios';
import type { RawResult, ServingRun, ServingVariant } from './results';
import type { LatencySummaryMs } from './stats';

const lat = (p50: number, p99: number): LatencySummaryMs => ({ count: 100, mean: p50, min: p50, p50, p90: p50, p99, max: p99 });
const run = (variant: ServingVariant, concurrency: number, tput: number, p50: number, p99: number): ServingRun => ({
  variant,
  concurrency,
  durationS: 1,
  requests: tput,
  errors: 0,
  errorKinds: {},
  throughputPerSecond: tput,
  latencyMs: lat(p50, p99),
});
const raw: RawResult = { latencyBatch1Ms: lat(1, 1.5), sweep: [], bestBatchSize: 32, throughputItemsPerSecond: 1000 };

describe('computeRatios', () => {
  const runs = [
    run('maas-unbatched', 1, 300, 1.8, 3),
    run('maas-batched', 1, 250, 2.5, 4),
    run('maas-batched', 32, 800, 30, 60),
    run('maas-unbatched', 32, 600, 40, 80),
    run('peer-unbatched', 1, 200, 4, 6),
    run('peer-batched', 32, 400, 60, 120),
  ];
  const r = computeRatios(raw, runs);

  it('overheads are maas at concurrency 1 minus raw batch 1, per variant', () => {
    expect(r.overheadP50Ms.unbatched).toBeCloseTo(0.8);
    expect(r.overheadP50Ms.batched).toBeCloseTo(1.5);
    expect(r.overheadP99Ms.unbatched).toBeCloseTo(1.5);
    expect(r.overheadP99Ms.batched).toBeCloseTo(2.5);
  });

  it('throughput ratios use the best run of each side', () => {
    expect(r.throughputVsRaw).toBeCloseTo(0.8);
    expect(r.throughputVsPeer).toBeCloseTo(2);
  });

  it('p99 against the peer pairs unbatched at c1 and batched above', () => {
    expect(r.p99VsPeer).toEqual({ c1: 0.5, c32: 0.5 });
  });

  it('leaves out what was not measured instead of inventing it', () => {
    const none = computeRatios(null, [run('maas-batched', 8, 100, 1, 2)]);
    expect(none.overheadP50Ms).toEqual({ batched: null, unbatched: null });
    expect(none.throughputVsRaw).toBeNull();
    expect(none.throughputVsPeer).toBeNull();
    expect(none.p99VsPeer).toEqual({});
  });
});
