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
    run('mlserver-unbatched', 1, 200, 4, 6),
    run('mlserver-batched', 32, 400, 60, 120),
    run('kserve-unbatched', 1, 150, 3.6, 5),
    run('kserve-unbatched', 32, 300, 50, 100),
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
    expect(r.vsPeers.mlserver?.throughput).toBeCloseTo(2);
    expect(r.vsPeers.kserve?.throughput).toBeCloseTo(800 / 300);
  });

  it('c1 p50 compares the faster variant of each side', () => {
    expect(r.vsPeers.mlserver?.p50C1).toBeCloseTo(1.8 / 4);
    expect(r.vsPeers.kserve?.p50C1).toBeCloseTo(1.8 / 3.6);
  });

  it('p99 against a peer pairs unbatched at c1 and batched above, or the only variant a peer has', () => {
    expect(r.vsPeers.mlserver?.p99).toEqual({ c1: 0.5, c32: 0.5 });
    expect(r.vsPeers.kserve?.p99).toEqual({ c1: 0.6, c32: 0.6 });
  });

  it('CPU per request compares the faster variant at the top concurrency, only where it was read', () => {
    expect(r.vsPeers.mlserver?.cpuPerRequestTop).toBeNull();
    const withCpu: ServingRun[] = [
      { ...run('maas-batched', 32, 800, 30, 60), cpuMsPerRequest: { gateway: 0.2, worker: 0.1 } },
      { ...run('maas-unbatched', 32, 600, 40, 80), cpuMsPerRequest: { gateway: 9, worker: 9 } },
      { ...run('triton-batched', 32, 900, 20, 40), cpuMsPerRequest: { tritonserver: 0.05, stubs: 0.05 } },
    ];
    expect(computeRatios(raw, withCpu).vsPeers.triton?.cpuPerRequestTop).toBeCloseTo(3);
  });

  it('leaves out what was not measured instead of inventing it', () => {
    const none = computeRatios(null, [run('maas-batched', 8, 100, 1, 2)]);
    expect(none.overheadP50Ms).toEqual({ batched: null, unbatched: null });
    expect(none.throughputVsRaw).toBeNull();
    expect(none.vsPeers).toEqual({});
    expect(computeRatios(raw, [run('triton-batched', 8, 100, 1, 2)]).vsPeers).toEqual({});
  });
});
