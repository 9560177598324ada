import * as path from 'node:path';
import { parseCpuList } from '@maas/runtime';

/**
 * What a run measures: raw ONNX Runtime, maas, each peer server, the floors (a bare gRPC echo and a Redis
 * Streams request/reply), the idle CPU of every server measured and maas's ocr-cls image pipeline share.
 */
export type TargetKind = 'raw' | 'maas' | 'triton' | 'kserve' | 'mlserver' | 'floors' | 'idle' | 'pipeline';

/** The servers of a run in the order model number `index` visits them: alternated, so no server always goes first. */
export function serverOrder<T>(servers: readonly T[], index: number): T[] {
  return index % 2 === 0 ? [...servers] : [...servers].reverse();
}

/** The benchmark's settings, every one filled in (see `compileBenchConfig`). */
export interface BenchConfig {
  /** Models to measure, by bench name (models.ts): identity, mlp, ocr-cls. */
  models: string[];
  /** Targets to measure; raw is always measured, since ratios need it. */
  targets: TargetKind[];
  /** Measured window of each serving run. */
  durationMs: number;
  /** Unmeasured lead-in of each serving run (connections, caches, JIT). */
  warmupMs: number;
  /** Closed-loop concurrencies for throughput; concurrency 1 (latency) is always run. */
  concurrencies: number[];
  /** Time spent on each raw ONNX Runtime measurement (batch 1 latency, each batch size of the sweep). */
  rawDurationMs: number;
  /** Batch sizes tried for raw throughput; the best is reported. */
  rawBatchSizes: number[];
  /** Dynamic batching settings for the batched variant on maas and on the peer. */
  maxBatchSize: number;
  maxQueueDelayUs: number;
  /** ONNX Runtime threads, the same for raw, the maas worker and the peer. */
  intraOpThreads: number;
  interOpThreads: number;
  /** maas worker processes. */
  workers: number;
  /** MLServer inference worker processes (its default is 1; 0 runs inference in the server process). */
  peerParallelWorkers: number;
  /** Seconds each server is left idle (models loaded) while its CPU is read. */
  idleDurationMs: number;
  /** Models registered on maas for the idle reading (the bench's own variants plus copies of identity). */
  idleMaasModels: number;
  /** Runs ghz against one target beside the bench's load generator (needs Go to build ghz once). */
  ghzCheck: boolean;
  /** The client that drives every served target and the gRPC floor: the bench's own (node:http2) or ghz. */
  loadGenerator: 'bench' | 'ghz';
  /** Per-request deadline of the load generator. */
  requestTimeoutMs: number;
  /** Writes CPU profiles of the gateway and worker (node --cpu-prof) next to the results. */
  profile: boolean;
  /** Extra environment of every maas service process (A/B runs of a setting, e.g. MAAS_FAST_INFER=false). */
  maasEnv: Record<string, string>;
  /**
   * CPUs of maas's worker(s) during the maas turns (MAAS_CPU_AFFINITY), with the bench and everything else it
   * starts for maas (Redis, Consul, registry, gateway, the load generator) on the other CPUs; undefined = no placement.
   */
  maasWorkerCpus?: number[];
  /** Folder for results. */
  outDir: string;
  quick: boolean;
}

/** The environment variables read, each with its default and meaning (printed by `--help`). */
export const BENCH_ENV_HELP: ReadonlyArray<[string, string]> = [
  ['BENCH_QUICK', '1 = smoke run (~2-3 min): 1 s runs, 0.5 s warm-up, short raw sweep (default 0)'],
  ['BENCH_MODELS', 'comma list of identity, mlp, ocr-cls (default all three)'],
  ['BENCH_TARGETS', 'comma list of raw, maas, triton, kserve, mlserver, floors, idle, pipeline; peers = the three peers (default all)'],
  ['BENCH_DURATION_S', 'measured seconds per serving run (default 10; quick 1)'],
  ['BENCH_WARMUP_S', 'warm-up seconds per serving run (default 2; quick 0.5)'],
  ['BENCH_CONCURRENCY', 'comma list of throughput concurrencies (default 8,32,128); 1 always runs'],
  ['BENCH_RAW_S', 'seconds per raw ORT measurement (default 3; quick 0.75)'],
  ['BENCH_MAX_BATCH', 'max batch size of the batched variants (default 32)'],
  ['BENCH_MAX_QUEUE_DELAY_US', 'max queue delay of the batched variants in microseconds (default 2000)'],
  ['BENCH_INTRA_OP_THREADS', 'ONNX Runtime intra-op threads for raw, worker and peer (default 1)'],
  ['BENCH_INTER_OP_THREADS', 'ONNX Runtime inter-op threads (default 1)'],
  ['BENCH_WORKERS', 'maas worker processes (default 1)'],
  ['BENCH_PEER_PARALLEL_WORKERS', "MLServer parallel_workers (default 1, MLServer's own default)"],
  ['BENCH_IDLE_S', 'seconds each server is left idle while its CPU is read (default 10; quick 2)'],
  ['BENCH_IDLE_MAAS_MODELS', 'models registered on maas for the idle reading (default 25)'],
  ['BENCH_GHZ', '1 = run ghz beside the bench load generator on one target, to check they agree (default 1; quick 0)'],
  ['BENCH_LOAD_GENERATOR', 'ghz (v0.93.0, built once with go install) or bench (bench/src/load-generator.ts): the one client for every served target and the gRPC floor (default ghz)'],
  ['BENCH_TIMEOUT_MS', 'per-request deadline (default 30000)'],
  ['BENCH_PROFILE', '1 = V8 CPU profiles of gateway and worker (.cpuprofile + summary.txt) next to the results (default 0)'],
  ['BENCH_MAAS_ENV', 'extra environment of every maas service (gateway, workers, registry), comma list of MAAS_NAME=value or NODE_OPTIONS=value (e.g. MAAS_FAST_INFER=false for an A/B run; default none)'],
  ['BENCH_MAAS_WORKER_CPUS', "CPU list of maas's worker(s) during the maas turns, e.g. 1 (MAAS_CPU_AFFINITY); the bench, Redis, Consul, registry, gateway and the load generator then run on the other CPUs, as with a worker pod given CPUs of its own. Peers are not placed (default none: the OS places every process)"],
  ['BENCH_OUT_DIR', 'results folder (default bench/results)'],
];

/** A setting that is present but malformed; the message names it and says what was expected. */
export class BenchConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`${variable}=${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'BenchConfigError';
  }
}

const KNOWN_MODELS = ['identity', 'mlp', 'ocr-cls'];
const KNOWN_TARGETS: TargetKind[] = ['raw', 'maas', 'triton', 'kserve', 'mlserver', 'floors', 'idle', 'pipeline'];
const PEER_TARGETS: TargetKind[] = ['triton', 'kserve', 'mlserver'];

function numberVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, integer = true): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new BenchConfigError(name, raw, `${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
  }
  return value;
}

function listVar(env: NodeJS.ProcessEnv, name: string, fallback: string[], allowed?: readonly string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) {
    if (allowed && !allowed.includes(item)) throw new BenchConfigError(name, raw, `a comma list of ${allowed.join(', ')}`);
  }
  if (items.length === 0) throw new BenchConfigError(name, raw, 'at least one item');
  return [...new Set(items)];
}

function intListVar(env: NodeJS.ProcessEnv, name: string, fallback: number[], min: number, max: number): number[] {
  const items = listVar(env, name, fallback.map(String));
  return items.map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < min || v > max) throw new BenchConfigError(name, env[name] ?? '', `a comma list of integers in ${min}..${max}`);
    return v;
  });
}

function flagVar(env: NodeJS.ProcessEnv, name: string, fallback = false): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new BenchConfigError(name, raw, '1 or 0');
}

/** One of `choices` (the first is the default). */
function choiceVar<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly [T, ...T[]]): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return choices[0];
  if (!(choices as readonly string[]).includes(raw)) throw new BenchConfigError(name, raw, `one of ${choices.join(', ')}`);
  return raw as T;
}

/** Reads and validates the BENCH_* environment once; throws BenchConfigError naming a bad variable. */
export function compileBenchConfig(env: NodeJS.ProcessEnv, repoRoot: string): BenchConfig {
  const quick = flagVar(env, 'BENCH_QUICK');
  const listed = listVar(env, 'BENCH_TARGETS', KNOWN_TARGETS, [...KNOWN_TARGETS, 'peers']).flatMap((t) => (t === 'peers' ? PEER_TARGETS : [t as TargetKind]));
  const targets = KNOWN_TARGETS.filter((t) => t === 'raw' || listed.includes(t));
  return {
    quick,
    models: listVar(env, 'BENCH_MODELS', KNOWN_MODELS, KNOWN_MODELS),
    targets,
    durationMs: numberVar(env, 'BENCH_DURATION_S', quick ? 1 : 10, 0.1, 3600, false) * 1000,
    warmupMs: numberVar(env, 'BENCH_WARMUP_S', quick ? 0.5 : 2, 0, 600, false) * 1000,
    concurrencies: intListVar(env, 'BENCH_CONCURRENCY', [8, 32, 128], 1, 4096).filter((c) => c !== 1).sort((a, b) => a - b),
    rawDurationMs: numberVar(env, 'BENCH_RAW_S', quick ? 0.75 : 3, 0.05, 600, false) * 1000,
    rawBatchSizes: quick ? [1, 8, 32] : [1, 2, 4, 8, 16, 32, 64],
    maxBatchSize: numberVar(env, 'BENCH_MAX_BATCH', 32, 1, 4096),
    maxQueueDelayUs: numberVar(env, 'BENCH_MAX_QUEUE_DELAY_US', 2000, 0, 10_000_000),
    intraOpThreads: numberVar(env, 'BENCH_INTRA_OP_THREADS', 1, 1, 256),
    interOpThreads: numberVar(env, 'BENCH_INTER_OP_THREADS', 1, 1, 256),
    workers: numberVar(env, 'BENCH_WORKERS', 1, 1, 64),
    peerParallelWorkers: numberVar(env, 'BENCH_PEER_PARALLEL_WORKERS', 1, 0, 64),
    idleDurationMs: numberVar(env, 'BENCH_IDLE_S', quick ? 2 : 10, 0.5, 600, false) * 1000,
    idleMaasModels: numberVar(env, 'BENCH_IDLE_MAAS_MODELS', 25, 1, 500),
    ghzCheck: flagVar(env, 'BENCH_GHZ', !quick),
    loadGenerator: choiceVar(env, 'BENCH_LOAD_GENERATOR', ['ghz', 'bench'] as const),
    requestTimeoutMs: numberVar(env, 'BENCH_TIMEOUT_MS', 30_000, 100, 3_600_000),
    profile: flagVar(env, 'BENCH_PROFILE'),
    maasEnv: maasEnvVar(env['BENCH_MAAS_ENV']),
    ...cpuListVar(env, 'BENCH_MAAS_WORKER_CPUS'),
    outDir: path.resolve(repoRoot, env['BENCH_OUT_DIR'] ?? 'bench/results'),
  };
}

/** A CPU list variable as { maasWorkerCpus }, or nothing when unset. */
function cpuListVar(env: NodeJS.ProcessEnv, name: string): { maasWorkerCpus?: number[] } {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return {};
  try {
    return { maasWorkerCpus: parseCpuList(raw) };
  } catch {
    throw new BenchConfigError(name, raw, 'a CPU list like 1, 0-3 or 0,2-3');
  }
}

/** BENCH_MAAS_ENV: "MAAS_A=1,MAAS_B=x" → { MAAS_A: '1', MAAS_B: 'x' }; only MAAS_ names and NODE_OPTIONS, each once. */
export function maasEnvVar(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(MAAS_[A-Z0-9_]+|NODE_OPTIONS)=(.*)$/.exec(item);
    if (!m || m[1]! in out) throw new BenchConfigError('BENCH_MAAS_ENV', text ?? '', `a comma list of MAAS_NAME=value, each name once (${m ? `${m[1]} is set twice` : `"${item}" is not MAAS_NAME=value`})`);
    out[m[1]!] = m[2]!;
  }
  return out;
}
