import type { Redis } from 'ioredis';
import type { Logger } from '@maas/logging';
import { keys } from '@maas/queue';

/** Nanoseconds spent in each phase of one session.run of a batch (filled by runJobs). */
export interface RunTiming {
  /** Stacking the jobs' inputs and creating ORT tensors. */
  inputNs: number;
  /** session.run itself. */
  inferNs: number;
  /** Splitting outputs per job and encoding them for the reply. */
  outputNs: number;
}

/** A zeroed RunTiming to pass to runJobs. */
export function newRunTiming(): RunTiming {
  return { inputNs: 0, inferNs: 0, outputNs: 0 };
}

/** Keeps a version's statistics hash for a week after its last update (then it is gone: nothing grows forever). */
export const STATS_TTL_SECONDS = 7 * 24 * 3600;

/**
 * ModelStatistics counters measured where the work happens: per executed batch, the queue wait of each
 * request and the three compute phases. Deltas are kept in memory and added to the version's Redis hash
 * (`maas:stats:<model>:<version>`, HINCRBY) every flush period, so the gateway reads totals summed over
 * every worker with one HGETALL, and a worker restart loses at most one period. Following Triton, the
 * inference_stats counts are per request (each request of a batch counts the batch's phase times) and
 * batch_stats counts are per execution, keyed by the rows in the batch.
 */
export class InferenceStats {
  private pending = new Map<string, { model: string; version: number; fields: Map<string, number>; lastUnixMs: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis, private readonly logger: Logger) {}

  /** Records one executed batch: `queueWaitNs` of each request in it, its rows, and the phase times. */
  recordExecution(model: string, version: number, queueWaitNs: readonly number[], rows: number, timing: RunTiming): void {
    const key = keys.versionStats(model, version);
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { model, version, fields: new Map(), lastUnixMs: 0 };
      this.pending.set(key, entry);
    }
    const add = (field: string, n: number): void => {
      entry.fields.set(field, (entry.fields.get(field) ?? 0) + Math.round(n));
    };
    const requests = queueWaitNs.length;
    add('inference_count', rows);
    add('execution_count', 1);
    add('queue_count', requests);
    add('queue_ns', queueWaitNs.reduce((s, n) => s + n, 0));
    for (const [phase, ns] of [['compute_input', timing.inputNs], ['compute_infer', timing.inferNs], ['compute_output', timing.outputNs]] as const) {
      add(`${phase}_count`, requests);
      add(`${phase}_ns`, ns * requests);
      add(`batch:${rows}:${phase}_ns`, ns);
    }
    add(`batch:${rows}:count`, 1);
    entry.lastUnixMs = Date.now();
  }

  /** Flushes every `intervalMs`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Adds the pending deltas to Redis (one MULTI); on failure they are kept for the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.doFlush());
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const multi = this.redis.multi();
    for (const [key, entry] of batch) {
      for (const [field, n] of entry.fields) multi.hincrby(key, field, n);
      multi.hset(key, 'last_inference', entry.lastUnixMs);
      multi.expire(key, STATS_TTL_SECONDS);
    }
    try {
      await multi.exec();
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'statistics flush failed; keeping the counts for the next one');
      for (const [key, entry] of batch) {
        const now = this.pending.get(key);
        if (!now) {
          this.pending.set(key, entry);
          continue;
        }
        for (const [field, n] of entry.fields) now.fields.set(field, (now.fields.get(field) ?? 0) + n);
        now.lastUnixMs = Math.max(now.lastUnixMs, entry.lastUnixMs);
      }
    }
  }
}
