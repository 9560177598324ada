import type { Redis } from 'ioredis';
import { UnavailableError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { keys } from '@maas/queue';

/** A count and a cumulative duration (Triton's StatisticDuration). */
export interface Duration {
  count: number;
  ns: number;
}

/** One version's statistics as ModelStatistics answers them, summed over every worker and gateway. */
export interface VersionStatistics {
  model: string;
  version: number;
  lastInferenceUnixMs: number;
  inferenceCount: number;
  executionCount: number;
  success: Duration;
  fail: Duration;
  queue: Duration;
  computeInput: Duration;
  computeInfer: Duration;
  computeOutput: Duration;
  /** Per executed batch size (rows): executions and the time of each phase. */
  batchSizes: Map<number, { count: number; computeInputNs: number; computeInferNs: number; computeOutputNs: number }>;
}

const msToNs = (ms: number): number => Math.round(ms * 1e6);

/** How long a version's hash lives after its last update (the workers use the same). */
const STATS_TTL_SECONDS = 7 * 24 * 3600;

/** Reads the statistics hash fields into a VersionStatistics. */
export function parseStatistics(model: string, version: number, hash: Record<string, string>): VersionStatistics {
  const n = (field: string): number => Number(hash[field] ?? 0) || 0;
  const d = (prefix: string): Duration => ({ count: n(`${prefix}_count`), ns: n(`${prefix}_ns`) });
  const batchSizes: VersionStatistics['batchSizes'] = new Map();
  for (const field of Object.keys(hash)) {
    const m = /^batch:(\d+):count$/.exec(field);
    if (!m) continue;
    const size = Number(m[1]);
    batchSizes.set(size, { count: n(field), computeInputNs: n(`batch:${size}:compute_input_ns`), computeInferNs: n(`batch:${size}:compute_infer_ns`), computeOutputNs: n(`batch:${size}:compute_output_ns`) });
  }
  return {
    model,
    version,
    lastInferenceUnixMs: n('last_inference'),
    inferenceCount: n('inference_count'),
    executionCount: n('execution_count'),
    success: d('success'),
    fail: d('fail'),
    queue: d('queue'),
    computeInput: d('compute_input'),
    computeInfer: d('compute_infer'),
    computeOutput: d('compute_output'),
    batchSizes: new Map([...batchSizes.entries()].sort((a, b) => a[0] - b[0])),
  };
}

/**
 * ModelStatistics counters. The workers add queue and compute times per executed batch to the version's
 * Redis hash (`maas:stats:<model>:<version>`); this store adds what only the gateway sees — success and
 * failure counts with their end-to-end durations — as deltas flushed every period, and reads the totals
 * back, so every gateway answers the same sums over all workers and gateways.
 */
export class StatisticsStore {
  private pending = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis, private readonly logger: Logger) {}

  private add(model: string, version: number, field: string, n: number): void {
    const key = keys.versionStats(model, version);
    let fields = this.pending.get(key);
    if (!fields) {
      fields = new Map();
      this.pending.set(key, fields);
    }
    fields.set(field, (fields.get(field) ?? 0) + n);
  }

  /** Records a successful request of a resolved version and its end-to-end time (the rest comes from workers). */
  success(model: string, version: number, totalMs: number): void {
    this.add(model, version, 'success_count', 1);
    this.add(model, version, 'success_ns', msToNs(totalMs));
  }

  /** Records a failed request of a resolved version. */
  failure(model: string, version: number, totalMs: number): void {
    this.add(model, version, 'fail_count', 1);
    this.add(model, version, 'fail_ns', msToNs(totalMs));
  }

  /** Flushes every `intervalMs`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Adds the pending deltas to Redis; on failure they wait for the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      const multi = this.redis.multi();
      for (const [key, fields] of batch) {
        for (const [field, n] of fields) multi.hincrby(key, field, n);
        multi.expire(key, STATS_TTL_SECONDS);
      }
      try {
        await multi.exec();
      } catch (err) {
        this.logger.debug({ err: (err as Error).message }, 'statistics flush failed; keeping the counts for the next one');
        for (const [key, fields] of batch) for (const [field, n] of fields) {
          const now = this.pending.get(key) ?? new Map<string, number>();
          now.set(field, (now.get(field) ?? 0) + n);
          this.pending.set(key, now);
        }
      }
    });
    return this.flushing;
  }

  /** The totals of each version (one HGETALL each, pipelined). UNAVAILABLE when Redis cannot be read. */
  async read(versions: ReadonlyArray<{ model: string; version: number }>): Promise<VersionStatistics[]> {
    if (versions.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const v of versions) pipeline.hgetall(keys.versionStats(v.model, v.version));
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await pipeline.exec();
    } catch (err) {
      throw new UnavailableError(`cannot read statistics from Redis: ${(err as Error).message}`, { cause: err });
    }
    return versions.map((v, i) => {
      const [err, hash] = results?.[i] ?? [null, {}];
      if (err) throw new UnavailableError(`cannot read statistics of ${v.model} v${v.version}: ${err.message}`, { cause: err });
      return parseStatistics(v.model, v.version, (hash ?? {}) as Record<string, string>);
    });
  }
}
