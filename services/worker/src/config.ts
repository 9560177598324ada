import { boolean, bytes, integer, list, string } from '@maas/config';
import { redisSettings } from '@maas/queue';

/** The worker's own settings (the common ones come from @maas/runtime). Env: MAAS_<SNAKE_CASE>. */
export const workerSettings = {
  ...redisSettings,
  workerPool: string('default', 'pool this worker belongs to (Consul tag pool=<pool>; the scaler scales pools)', /^[a-z0-9][-a-z0-9]*$/, 'a pool name'),
  workerModels: list(['*'], 'models to serve: names (their current versions: aliases + latest), name:version, or * for every model in the registry', /^(\*|[a-z0-9][-a-z0-9]*(:\d+)?)$/),
  workerMemoryBudgetBytes: bytes(4 * 2 ** 30, 'loaded models are evicted least-recently-used to stay under this many bytes; a bigger model is an error'),
  workerExecutionProviders: list(['cpu'], 'execution providers in order of preference: cpu, or cuda,cpu (CUDA falls back to CPU when it cannot start)', /^(cpu|cuda)$/),
  workerCacheDir: string('.run/worker-cache', 'local folder for downloaded model artifacts (sha256-verified)'),
  workerModelDir: string('', 'serve models from this folder (<dir>/<model>/<version>/model.onnx [+ config.json]) instead of the registry'),
  workerVisibilityTimeoutMs: integer(30_000, 'backstop: a job held this long without an answer is taken by another worker even while its worker\'s lease is alive (a dead worker\'s jobs are taken when its lease lapses)', 100, 3_600_000),
  workerLeaseTtlMs: integer(2500, 'this worker\'s lease in Redis, renewed every second; when it lapses (crash, freeze) another worker takes its jobs at once. Keep it above the longest single batch or model load (both block the event loop)', 1500, 600_000),
  workerMaxDeliveries: integer(3, 'deliveries after which a job goes to the dead-letter stream and its caller gets an error', 1, 100),
  workerIdleUnloadMs: integer(600_000, 'unload a model not used for this long (0 = never)', 0, 86_400_000),
  workerReadBlockMs: integer(5000, 'how long one idle queue read blocks before it is issued again (a job wakes it at once; a drain or a version leaving ends it at once): the idle cost per served version', 10, 60_000),
  workerQueueStatsIntervalMs: integer(2000, 'how often queue depth and oldest-job age are refreshed for metrics', 100, 60_000),
  workerResidencyIntervalMs: integer(2000, 'how often the worker rewrites its residency record in Redis (which versions it holds; read by ModelReady and RepositoryIndex); the record expires after 3 periods without a write', 100, 60_000),
  workerBatchTuning: boolean(true, 'cap each batching model\'s runs at the batch size fastest per item, learnt from its runs (seeded by MAAS_WORKER_BATCH_CALIBRATION_MS); false = runs stack up to max_batch_size'),
  workerBatchCalibrationMs: integer(1500, 'at each model load, up to this long measuring the model at batch sizes 1, 2, 4, ... max_batch_size (zero inputs) to cap runs at the smallest batch within 10% of the fastest time per item; 0 = off (max_batch_size is the only cap). Only for models whose non-batch dims are fixed', 0, 60_000),
  workerStatsFlushMs: integer(1000, 'how often the worker adds its ModelStatistics counts to Redis (maas:stats:<model>:<version>)', 100, 60_000),
};

/** The typed worker settings. */
export type WorkerSettings = typeof workerSettings;

/** A served-model entry of MAAS_WORKER_MODELS: a name, and a pinned version when given. */
export interface ModelSelector {
  model: string;
  version?: number;
}

/** Parses MAAS_WORKER_MODELS items ("mlp", "ocr:3", "*"); `all` is true for "*". */
export function parseModelSelectors(items: readonly string[]): { all: boolean; selectors: ModelSelector[] } {
  const selectors: ModelSelector[] = [];
  let all = false;
  for (const item of items) {
    if (item === '*') {
      all = true;
      continue;
    }
    const [model = '', version] = item.split(':');
    selectors.push(version === undefined ? { model } : { model, version: Number(version) });
  }
  return { all, selectors };
}
