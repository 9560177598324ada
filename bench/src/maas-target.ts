import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStack, type Stack, type TestCerts } from '@maas/testing';
import type { VersionConfig } from '@maas/protos';
import type { BenchModel } from './models';
import { registryClient, uploadModel } from './registry-upload';

/** How maas serves each model: `<model>-batched` and `<model>-unbatched`, same file, same threads. */
export interface MaasOptions {
  workers: number;
  maxBatchSize: number;
  maxQueueDelayUs: number;
  intraOpThreads: number;
  interOpThreads: number;
  /** When set, gateway and workers write V8 CPU profiles (cpu-profile-preload.ts) into this folder on exit. */
  cpuProfileDir?: string;
  /** Extra environment of every service process (BENCH_MAAS_ENV): registry and preprocess too. */
  env?: Record<string, string>;
  /** Extra models registered beside the bench's (unbatched copies of this ONNX file, `filler-NN`): the idle reading. */
  fillers?: { count: number; file: string };
  /** Run every service with mutual TLS from these certificates (the bench's `--tls`). */
  tls?: TestCerts;
  /** CPUs of the worker(s) (MAAS_CPU_AFFINITY); the other processes inherit the bench's own CPUs. */
  workerCpus?: readonly number[];
}

/** The served name of filler model `i` (see MaasOptions.fillers). */
export function fillerName(i: number): string {
  return `filler-${String(i).padStart(2, '0')}`;
}

/** The registry config of one variant. */
export function versionConfig(variant: 'batched' | 'unbatched', options: MaasOptions): VersionConfig {
  return {
    batching: {
      max_batch_size: options.maxBatchSize,
      dynamic_batching: variant === 'batched',
      max_queue_delay_us: variant === 'batched' ? options.maxQueueDelayUs : 0,
      preferred_batch_sizes: [],
    },
    runtime: { execution_providers: ['cpu'], intra_op_threads: options.intraOpThreads, inter_op_threads: options.interOpThreads, graph_optimization_level: 'all' },
  };
}

/** Env that makes a service write a V8 CPU profile into `dir` when it exits (nothing when dir is undefined). */
export function cpuProfileEnv(dir: string | undefined): Record<string, string> {
  if (!dir) return {};
  fs.mkdirSync(dir, { recursive: true });
  return { NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile-preload.js')}`, MAAS_BENCH_CPU_PROF_DIR: dir };
}

/**
 * Starts the platform as `make up` does (real Redis, Consul dev agent, registry, worker(s), gateway, each a
 * process) on free ports and uploads both variants of every model. Resolves with the running stack.
 */
export async function startMaas(models: readonly BenchModel[], options: MaasOptions): Promise<Stack> {
  const profiling = cpuProfileEnv(options.cpuProfileDir);
  const nodeOptions = [options.env?.['NODE_OPTIONS'], profiling['NODE_OPTIONS']].filter((o) => o !== undefined).join(' ');
  // options.env reaches every service as the stack's base env; gateway and workers add profiling, with NODE_OPTIONS joined.
  const profileEnv = { ...profiling, ...(nodeOptions !== '' ? { NODE_OPTIONS: nodeOptions } : {}) };
  // Workers start after the uploads, as in a deployment where models exist before workers scale up: each
  // worker loads every model once at start, and no measurement overlaps a model load.
  const workerEnv = { ...profileEnv, ...(options.workerCpus ? { MAAS_CPU_AFFINITY: options.workerCpus.join(',') } : {}) };
  const stack = await startStack({ workers: 0, ...(options.env ? { env: options.env } : {}), gatewayEnv: profileEnv, workerEnv, ...(options.tls ? { tls: options.tls } : {}) });
  try {
    const registry = registryClient(stack.registry.address, options.tls);
    try {
      for (const model of models) {
        for (const variant of ['batched', 'unbatched'] as const) {
          await uploadModel(registry, `${model.name}-${variant}`, model.file, versionConfig(variant, options));
        }
      }
      for (let i = 0; i < (options.fillers?.count ?? 0); i++) await uploadModel(registry, fillerName(i), options.fillers!.file, versionConfig('unbatched', options));
    } finally {
      registry.close();
    }
    for (let i = 0; i < options.workers; i++) stack.workers.push(await stack.addWorker());
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
