/** Per model version counters behind ModelStatistics (Triton's statistics extension). */
export interface VersionStatistics {
  model: string;
  version: number;
  lastInferenceUnixMs: number;
  inferenceCount: number;
  executionCount: number;
  success: { count: number; ns: number };
  fail: { count: number; ns: number };
  queue: { count: number; ns: number };
  computeInfer: { count: number; ns: number };
  batchSizes: Map<number, { count: number; computeNs: number }>;
}

const msToNs = (ms: number): number => Math.round(ms * 1e6);

/** In-memory statistics of this gateway instance (since start), keyed by model and version. */
export class StatisticsStore {
  private readonly byKey = new Map<string, VersionStatistics>();

  private entry(model: string, version: number): VersionStatistics {
    const key = `${model}|${version}`;
    let s = this.byKey.get(key);
    if (!s) {
      s = { model, version, lastInferenceUnixMs: 0, inferenceCount: 0, executionCount: 0, success: { count: 0, ns: 0 }, fail: { count: 0, ns: 0 }, queue: { count: 0, ns: 0 }, computeInfer: { count: 0, ns: 0 }, batchSizes: new Map() };
      this.byKey.set(key, s);
    }
    return s;
  }

  /** Records a successful request: its rows, end-to-end, queue and compute time, and the batch it ran in. */
  success(model: string, version: number, rows: number, totalMs: number, queueMs: number, computeMs: number, batchSize: number): void {
    const s = this.entry(model, version);
    s.lastInferenceUnixMs = Date.now();
    s.inferenceCount += rows;
    s.executionCount += 1;
    s.success.count += 1;
    s.success.ns += msToNs(totalMs);
    s.queue.count += 1;
    s.queue.ns += msToNs(queueMs);
    s.computeInfer.count += 1;
    s.computeInfer.ns += msToNs(computeMs);
    const b = s.batchSizes.get(batchSize) ?? { count: 0, computeNs: 0 };
    b.count += 1;
    b.computeNs += msToNs(computeMs);
    s.batchSizes.set(batchSize, b);
  }

  /** Records a failed request. */
  failure(model: string, version: number, totalMs: number): void {
    const s = this.entry(model, version);
    s.fail.count += 1;
    s.fail.ns += msToNs(totalMs);
  }

  /** Statistics for a model (all versions when version is 0), or every model when model is "". */
  list(model: string, version: number): VersionStatistics[] {
    return [...this.byKey.values()].filter((s) => (model === '' || s.model === model) && (version === 0 || s.version === version));
  }
}
