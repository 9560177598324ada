import { BenchConfigError, compileBenchConfig, serverOrder } from './config';

describe('compileBenchConfig', () => {
  it('fills defaults', () => {
    const c = compileBenchConfig({}, '/repo');
    expect(c).toMatchObject({ models: ['identity', 'mlp', 'ocr-cls'], targets: ['raw', 'maas', 'triton', 'kserve', 'mlserver', 'floors', 'idle', 'pipeline'], durationMs: 10_000, concurrencies: [8, 32, 128], intraOpThreads: 1, outDir: '/repo/bench/results', ghzCheck: true, idleMaasModels: 25 });
  });

  it('places maas\'s workers on the CPUs of BENCH_MAAS_WORKER_CPUS, and on none when it is unset', () => {
    expect(compileBenchConfig({}, '/r').maasWorkerCpus).toBeUndefined();
    expect(compileBenchConfig({ BENCH_MAAS_WORKER_CPUS: '1' }, '/r').maasWorkerCpus).toEqual([1]);
    expect(compileBenchConfig({ BENCH_MAAS_WORKER_CPUS: '2-3,0' }, '/r').maasWorkerCpus).toEqual([0, 2, 3]);
    expect(() => compileBenchConfig({ BENCH_MAAS_WORKER_CPUS: 'last' }, '/r')).toThrow(BenchConfigError);
    expect(() => compileBenchConfig({ BENCH_MAAS_WORKER_CPUS: 'last' }, '/r')).toThrow(/BENCH_MAAS_WORKER_CPUS/);
  });

  it('takes extra maas environment as MAAS_NAME=value pairs and refuses anything else', () => {
    expect(compileBenchConfig({}, '/r').maasEnv).toEqual({});
    expect(compileBenchConfig({ BENCH_MAAS_ENV: 'MAAS_FAST_INFER=false, MAAS_LOG_LEVEL=debug' }, '/r').maasEnv).toEqual({ MAAS_FAST_INFER: 'false', MAAS_LOG_LEVEL: 'debug' });
    expect(() => compileBenchConfig({ BENCH_MAAS_ENV: 'PATH=/x' }, '/r')).toThrow(/"PATH=\/x" is not MAAS_NAME=value/);
    expect(() => compileBenchConfig({ BENCH_MAAS_ENV: 'MAAS_A=1,MAAS_A=2' }, '/r')).toThrow(/MAAS_A is set twice/);
    expect(() => compileBenchConfig({ BENCH_MAAS_ENV: 'MAAS_A' }, '/r')).toThrow(BenchConfigError);
  });

  it('quick shortens runs; explicit settings still win', () => {
    expect(compileBenchConfig({ BENCH_QUICK: '1' }, '/r').durationMs).toBe(1000);
    expect(compileBenchConfig({ BENCH_QUICK: '1', BENCH_DURATION_S: '5' }, '/r').durationMs).toBe(5000);
  });

  it('always measures raw, which the ratios need; peers names the three peers', () => {
    expect(compileBenchConfig({ BENCH_TARGETS: 'mlserver' }, '/r').targets).toEqual(['raw', 'mlserver']);
    expect(compileBenchConfig({ BENCH_TARGETS: 'idle,peers,maas' }, '/r').targets).toEqual(['raw', 'maas', 'triton', 'kserve', 'mlserver', 'idle']);
    expect(() => compileBenchConfig({ BENCH_TARGETS: 'peer' }, '/r')).toThrow(/BENCH_TARGETS="peer": expected a comma list of raw, maas, triton/);
  });

  it('drives every target with ghz unless the bench load generator is asked for', () => {
    expect(compileBenchConfig({}, '/r').loadGenerator).toBe('ghz');
    expect(compileBenchConfig({ BENCH_LOAD_GENERATOR: 'bench' }, '/r').loadGenerator).toBe('bench');
    expect(() => compileBenchConfig({ BENCH_LOAD_GENERATOR: 'wrk' }, '/r')).toThrow(/BENCH_LOAD_GENERATOR="wrk": expected one of ghz, bench/);
  });

  it('quick runs skip the ghz check unless asked', () => {
    expect(compileBenchConfig({ BENCH_QUICK: '1' }, '/r').ghzCheck).toBe(false);
    expect(compileBenchConfig({ BENCH_QUICK: '1', BENCH_GHZ: '1' }, '/r').ghzCheck).toBe(true);
  });

  it('alternates the server order from model to model', () => {
    expect(serverOrder(['maas', 'triton', 'kserve'], 0)).toEqual(['maas', 'triton', 'kserve']);
    expect(serverOrder(['maas', 'triton', 'kserve'], 1)).toEqual(['kserve', 'triton', 'maas']);
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
