import * as ort from 'onnxruntime-node';
import type { Logger } from '@maas/logging';
import type { CreatedSession } from './execution-providers';
import type { WorkerMetrics } from './metrics';
import type { VersionInfo } from './model-source';

/** One measured batch size: the fastest of its runs, per item. */
export interface BatchTiming {
  batch: number;
  msPerItem: number;
}

/** What calibration found: the timings measured and the batch size runs are capped at. */
export interface BatchCalibration {
  timings: BatchTiming[];
  /** Runs never stack more items than this (≤ max_batch_size). */
  batchCap: number;
}

/** Batch sizes tried: powers of two up to max, and max itself. */
export function calibrationSizes(maxBatchSize: number): number[] {
  const sizes: number[] = [];
  for (let b = 1; b < maxBatchSize; b *= 2) sizes.push(b);
  sizes.push(maxBatchSize);
  return sizes;
}

/**
 * The batch cap from measured timings: the smallest batch whose time per item is within `tolerance` of the
 * best one measured. A model faster per item at big batches (a GPU, most small models) keeps a big cap; one
 * slower per item at big batches (a convolution net on a CPU with a small cache) gets a small one, and what
 * is read together runs in turns of that size.
 */
export function chooseBatchCap(timings: readonly BatchTiming[], tolerance = 0.1): number {
  if (timings.length === 0) throw new Error('no timings to choose a batch cap from');
  const best = Math.min(...timings.map((t) => t.msPerItem));
  const ok = timings.filter((t) => t.msPerItem <= best * (1 + tolerance)).sort((a, b) => a.batch - b.batch);
  return ok[0]!.batch;
}

const ZERO_INPUT: Partial<Record<string, (n: number) => ort.Tensor['data']>> = {
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
  int8: (n) => new Int8Array(n),
  uint8: (n) => new Uint8Array(n),
  int16: (n) => new Int16Array(n),
  uint16: (n) => new Uint16Array(n),
  bool: (n) => new Uint8Array(n),
};

/** How to make up one input: its name, type, dims after the batch dim and a zero-array maker. */
interface ZeroInput {
  name: string;
  type: string;
  rest: number[];
  make: (n: number) => ort.Tensor['data'];
}

/** The session's inputs as zero-input recipes, or undefined when an input's non-batch dims or type are not known. */
function zeroInputs(session: ort.InferenceSession): ZeroInput[] | undefined {
  const inputs: ZeroInput[] = [];
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) return undefined;
    const rest = meta.shape.slice(1);
    if (meta.shape.length === 0 || !rest.every((d) => typeof d === 'number' && d > 0)) return undefined;
    const make = ZERO_INPUT[meta.type];
    if (!make) return undefined;
    inputs.push({ name: meta.name, type: meta.type, rest: rest as number[], make });
  }
  return inputs;
}

/** Zero feeds of `batch` rows. */
function zeroFeeds(inputs: readonly ZeroInput[], batch: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const dims = [batch, ...input.rest];
    feeds[input.name] = new ort.Tensor(input.type as 'float32', input.make(dims.reduce((a, b) => a * b, 1)) as Float32Array, dims);
  }
  return feeds;
}

/**
 * Measures the session at each batch size (zero inputs; one warm-up run, then the fastest of 3–20 runs,
 * ~20 ms per size, within `budgetMs` in all) and picks the cap. Undefined when the inputs cannot be made up (a dynamic
 * non-batch dim, strings): the configured max_batch_size stays the only limit. Stops early at the budget,
 * choosing among the sizes measured so far.
 */
export async function calibrateBatchSizes(session: ort.InferenceSession, maxBatchSize: number, budgetMs: number): Promise<BatchCalibration | undefined> {
  const inputs = maxBatchSize > 1 ? zeroInputs(session) : undefined;
  if (!inputs) return undefined;
  const deadline = performance.now() + budgetMs;
  const timings: BatchTiming[] = [];
  for (const batch of calibrationSizes(maxBatchSize)) {
    const feeds = zeroFeeds(inputs, batch);
    await session.run(feeds);
    let fastest = Infinity;
    const sizeStarted = performance.now();
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      const t1 = performance.now();
      fastest = Math.min(fastest, t1 - t0);
      if (i >= 2 && (t1 - sizeStarted >= 20 || t1 > deadline)) break;
    }
    timings.push({ batch, msPerItem: fastest / batch });
    if (performance.now() > deadline) break;
  }
  return { timings, batchCap: chooseBatchCap(timings) };
}

/**
 * Calibrates a freshly created session of a batching version (budgetMs 0 = off): logs the timings and the cap,
 * sets maas_worker_batch_cap, and returns the timings (they seed the version's BatchSizeTuner), or nothing when
 * off or not calibratable. A failing calibration run is logged and leaves max_batch_size as the only cap: it
 * never fails the load.
 */
export async function calibrate(created: CreatedSession, info: VersionInfo, budgetMs: number, logger: Logger, metrics: WorkerMetrics): Promise<{ calibration?: BatchTiming[] }> {
  const max = info.settings.maxBatchSize;
  if (budgetMs <= 0 || max <= 1) return {};
  const labels = { model: info.model, version: String(info.version) };
  let found: BatchCalibration | undefined;
  try {
    found = await calibrateBatchSizes(created.session, max, budgetMs);
  } catch (err) {
    logger.warn({ ...labels, err: (err as Error).message }, 'batch calibration failed; runs are capped at max_batch_size');
    return {};
  }
  if (!found) {
    logger.info({ ...labels, maxBatchSize: max }, 'batch sizes not calibrated (a non-batch dim is dynamic or an input is not numeric); runs are capped at max_batch_size');
    return {};
  }
  const msPerItem = Object.fromEntries(found.timings.map((t) => [String(t.batch), Math.round(t.msPerItem * 1000) / 1000]));
  logger.info({ ...labels, executionProvider: created.executionProvider, maxBatchSize: max, batchCap: found.batchCap, msPerItem }, 'batch sizes calibrated');
  metrics.batchCap.set(labels, found.batchCap);
  return { calibration: found.timings };
}

/** Options of a BatchSizeTuner. */
export interface BatchSizeTunerOptions {
  /** Share of batches run in turns of a random size to keep every size measured (default 0.05). */
  explore?: number;
  /** Weight of a new run in a size's moving average (default 0.2). */
  alpha?: number;
  /** Uniform [0, 1); injectable for tests. */
  random?: () => number;
}

/** A run's time per item counts as at most this many times its bucket's average (BatchSizeTuner.record). */
const OUTLIER_FACTOR = 2;

/**
 * Learns from real runs which batch size is fastest per item and caps runs there: each run's session.run
 * time per item goes into a moving average of its size bucket (the power of two at or below its rows, or
 * max_batch_size); the cap is chooseBatchCap over the buckets measured (max_batch_size until one is). A few
 * batches (explore) run in turns of a random bucket, so a size that stops being measured under steady load is
 * still measured. Seeded from calibrateBatchSizes when the model's dims allow it, so the cap is right from
 * the first batch. Works for dynamic dims and on any provider: it measures what actually runs.
 */
export class BatchSizeTuner {
  private readonly sizes: number[];
  private readonly averages = new Map<number, number>();
  private readonly explore: number;
  private readonly alpha: number;
  private readonly random: () => number;
  private chosen: number;

  constructor(readonly maxBatchSize: number, options: BatchSizeTunerOptions = {}) {
    this.sizes = calibrationSizes(Math.max(1, maxBatchSize));
    this.explore = options.explore ?? 0.05;
    this.alpha = options.alpha ?? 0.2;
    this.random = options.random ?? Math.random;
    this.chosen = Math.max(1, maxBatchSize);
  }

  /** Takes calibration timings as the first measurements. */
  seed(timings: readonly BatchTiming[]): void {
    for (const t of timings) if (this.sizes.includes(t.batch)) this.averages.set(t.batch, t.msPerItem);
    this.rechoose();
  }

  /** The cap for the next batch: the chosen one, or now and then a random bucket to measure. */
  next(): number {
    if (this.sizes.length > 1 && this.random() < this.explore) return this.sizes[Math.floor(this.random() * this.sizes.length)] ?? this.chosen;
    return this.chosen;
  }

  /** The cap chosen from the measurements so far. */
  get cap(): number {
    return this.chosen;
  }

  /**
   * One run of `rows` items that took `ms` in session.run. A sample above OUTLIER_FACTOR × its bucket's average
   * counts as that much: a run the scheduler preempted (another process on the core mid-run) reads as many
   * times its real cost, and on a model of microseconds such samples moved the cap from 32 down to 8 in a
   * benchmark run, splitting reads into several runs and replies. A real slow-down still moves the average,
   * by up to alpha × (OUTLIER_FACTOR − 1) of it per run.
   */
  record(rows: number, ms: number): void {
    if (rows < 1 || !(ms >= 0)) return;
    const bucket = this.bucketOf(rows);
    const perItem = ms / rows;
    const old = this.averages.get(bucket);
    this.averages.set(bucket, old === undefined ? perItem : old + this.alpha * (Math.min(perItem, old * OUTLIER_FACTOR) - old));
    this.rechoose();
  }

  /** The moving averages, by bucket (for logs and tests). */
  timings(): BatchTiming[] {
    return [...this.averages.entries()].sort((a, b) => a[0] - b[0]).map(([batch, msPerItem]) => ({ batch, msPerItem }));
  }

  private bucketOf(rows: number): number {
    let bucket = this.sizes[0]!;
    for (const s of this.sizes) if (s <= rows) bucket = s;
    return bucket;
  }

  private rechoose(): void {
    const t = this.timings();
    if (t.length === 0) return;
    // Until a size at or above the current cap is measured, bigger batches keep their chance.
    const measuredMax = t[t.length - 1]!.batch;
    const choice = chooseBatchCap(t);
    this.chosen = choice === measuredMax && measuredMax < this.maxBatchSize ? this.maxBatchSize : choice;
  }
}
