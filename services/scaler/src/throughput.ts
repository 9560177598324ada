/**
 * Rates from Redis counters, no worker scraping: each jobs stream's consumer group keeps `entries-read`,
 * a counter of every entry ever delivered to the group (Redis 7). Its growth between two ticks is the
 * number of jobs workers took. While jobs were waiting at both ticks the workers were saturated, so
 * taken/s ÷ workers is what one worker completes per second; otherwise taken/s is the arrival rate.
 * Pure: the caller passes the counters and the time.
 */

/** One tick's view of a pool's streams, as the tracker needs it. */
export interface ThroughputSample {
  nowMs: number;
  /** entries-read of the workers' group per stream key (streams without a group are absent). */
  entriesRead: ReadonlyMap<string, number>;
  waiting: number;
  /** spec.replicas of the pool's Deployment. */
  specReplicas: number;
  /** status.replicas (pods that exist); a per-worker rate is measured only when it equals spec. */
  statusReplicas: number;
}

/** What the tracker derives for the decision. */
export interface ThroughputEstimate {
  /** Jobs taken per second since the previous sample; undefined on the first. */
  takenJobsPerSecond: number | undefined;
  /** Smoothed per-worker rate measured on a saturated, settled pool; undefined until then. */
  jobsPerWorkerPerSecond: number | undefined;
}

/** Weight of the newest saturated measurement in the moving average. */
const EWMA_WEIGHT = 0.5;

/** Tracks one pool's rates across ticks. */
export class ThroughputTracker {
  private previous: ThroughputSample | undefined;
  private perWorker: number | undefined;

  /** Adds a sample and returns the current estimate. */
  observe(sample: ThroughputSample): ThroughputEstimate {
    const prev = this.previous;
    this.previous = sample;
    if (!prev || sample.nowMs <= prev.nowMs) return { takenJobsPerSecond: undefined, jobsPerWorkerPerSecond: this.perWorker };
    let taken = 0;
    for (const [stream, count] of sample.entriesRead) {
      const before = prev.entriesRead.get(stream);
      // A stream deleted and recreated restarts its counter: that interval tells nothing for it.
      if (before !== undefined && count >= before) taken += count - before;
    }
    const takenJobsPerSecond = taken / ((sample.nowMs - prev.nowMs) / 1000);
    const settled = sample.specReplicas > 0 && sample.specReplicas === prev.specReplicas && sample.statusReplicas === sample.specReplicas;
    if (settled) {
      const observed = takenJobsPerSecond / sample.specReplicas;
      if (prev.waiting > 0 && sample.waiting > 0 && observed > 0) {
        this.perWorker = this.perWorker === undefined ? observed : EWMA_WEIGHT * observed + (1 - EWMA_WEIGHT) * this.perWorker;
      } else if (this.perWorker !== undefined && observed > this.perWorker) {
        // Unsaturated workers that still did this much prove at least this capacity.
        this.perWorker = observed;
      }
    }
    return { takenJobsPerSecond, jobsPerWorkerPerSecond: this.perWorker };
  }
}
