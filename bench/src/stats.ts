/** Latency summary of one measured run, in milliseconds. */
export interface LatencySummaryMs {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * The q-quantile (0..1) of samples already sorted ascending, by the nearest-rank method (the value below
 * which at least q of the samples lie), as HdrHistogram and perf_analyzer report percentiles. Exact: every
 * sample is kept, a run holds at most a few hundred thousand.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0..1, got ${q}`);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

/** Summarizes latency samples (ms); the input is not modified. */
export function summarizeLatencies(samplesMs: ArrayLike<number>): LatencySummaryMs {
  if (samplesMs.length === 0) throw new RangeError('no latency samples to summarize');
  const sorted = Float64Array.from(samplesMs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    min: sorted[0]!,
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
  };
}

/** A growable store of float samples (a plain array of numbers costs 4x the memory at 1e6 samples). */
export class SampleBuffer {
  private data = new Float64Array(4096);
  private size = 0;

  /** Appends one sample. */
  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  /** Number of samples. */
  get length(): number {
    return this.size;
  }

  /** The samples so far (a view, valid until the next push). */
  values(): Float64Array {
    return this.data.subarray(0, this.size);
  }
}

/** Rounds to `digits` decimals, for tables and JSON that humans read. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
