import { BenchConfigError, compileBenchConfig } from './config';

describe('compileBenchConfig', () => {
  it('fills defaults', () => {
    const c = compileBenchConfig({}, '/repo');
    expect(c).toMatchObject({ models: ['identity', 'mlp', 'ocr-cls'], targets: ['raw', 'maas', 'peer'], durationMs: 10_000, concurrencies: [8, 32, 128], intraOpThreads: 1, outDir: '/repo/bench/results' });
  });

  it('quick shortens runs; explicit settings still win', () => {
    expect(compileBenchConfig({ BENCH_QUICK: '1' }, '/r').durationMs).toBe(1000);
    expect(compileBenchConfig({ BENCH_QUICK: '1', BENCH_DURATION_S: '5' }, '/r').durationMs).toBe(5000);
  });

  it('always measures raw, which the ratios need', () => {
    expect(compileBenchConfig({ BENCH_TARGETS: 'peer' }, '/r').targets).toEqual(['raw', 'peer']);
  });

  it('drops concurrency 1 from the sweep (it always runs) and sorts', () => {
    expect(compileBenchConfig({ BENCH_CONCURRENCY: '64,1,4' }, '/r').concurrencies).toEqual([4, 64]);
  });

  it('names the bad variable and what it expected', () => {
    expect(() => compileBenchConfig({ BENCH_MODELS: 'vad' }, '/r')).toThrow(BenchConfigError);
    expect(() => compileBenchConfig({ BENCH_MODELS: 'vad' }, '/r')).toThrow(/BENCH_MODELS="vad": expected a comma list of identity, mlp, ocr-cls/);
    expect(() => compileBenchConfig({ BENCH_DURATION_S: 'ten' }, '/r')).toThrow(/BENCH_DURATION_S/);
    expect(() => compileBenchConfig({ BENCH_WORKERS: '1.5' }, '/r')).toThrow(/an integer/);
    expect(() => compileBenchConfig({ BENCH_QUICK: 'yes' }, '/r')).toThrow(/1 or 0/);
  });
});
