import { BatchSizeTuner, calibrationSizes, chooseBatchCap } from './batch-calibration';

describe('batch calibration choices', () => {
  it('tries powers of two up to max_batch_size, and max itself', () => {
    expect(calibrationSizes(2)).toEqual([1, 2]);
    expect(calibrationSizes(32)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(calibrationSizes(12)).toEqual([1, 2, 4, 8, 12]);
  });

  it('caps at the smallest batch within 10% of the best time per item', () => {
    // A convolution net on a small CPU: fastest per item at batch 2, slower at 32.
    expect(chooseBatchCap([{ batch: 1, msPerItem: 1.2 }, { batch: 2, msPerItem: 1.0 }, { batch: 4, msPerItem: 1.05 }, { batch: 32, msPerItem: 1.8 }])).toBe(2);
    // A small model (or a GPU): faster per item the bigger the batch.
    expect(chooseBatchCap([{ batch: 1, msPerItem: 0.02 }, { batch: 8, msPerItem: 0.004 }, { batch: 32, msPerItem: 0.001 }])).toBe(32);
    // Flat: the smallest batch wins (no waiting for company that does not pay).
    expect(chooseBatchCap([{ batch: 1, msPerItem: 1.0 }, { batch: 2, msPerItem: 0.97 }, { batch: 4, msPerItem: 0.99 }])).toBe(1);
    expect(chooseBatchCap([{ batch: 4, msPerItem: 1 }], 0)).toBe(4);
    expect(() => chooseBatchCap([])).toThrow(/no timings/);
  });
});

describe('BatchSizeTuner', () => {
  const never = () => 0.99;

  it('keeps max_batch_size until a measured size beats the bigger ones', () => {
    const t = new BatchSizeTuner(32, { random: never });
    expect(t.next()).toBe(32);
    // Only small runs seen (low load): bigger batches keep their chance.
    t.record(1, 1.0);
    expect(t.cap).toBe(32);
    // Runs of 32 are slower per item than runs of 1: the cap drops to 1.
    t.record(32, 32 * 1.8);
    expect(t.cap).toBe(1);
    expect(t.next()).toBe(1);
    expect(t.timings()).toEqual([{ batch: 1, msPerItem: 1.0 }, { batch: 32, msPerItem: 1.8 }]);
  });

  it('buckets runs by the power of two at or below their rows and averages them', () => {
    const t = new BatchSizeTuner(12, { random: never, alpha: 0.5 });
    t.record(3, 3); // bucket 2
    t.record(2, 3); // bucket 2: 1 → 1.5 per item, averaged to 1.25
    t.record(12, 12); // bucket 12 (max)
    expect(t.timings()).toEqual([{ batch: 2, msPerItem: 1.25 }, { batch: 12, msPerItem: 1 }]);
    expect(t.cap).toBe(12);
    t.record(0, 5);
    t.record(4, Number.NaN);
    expect(t.timings()).toHaveLength(2);
  });

  it('counts a preempted run as at most twice its bucket\'s average, yet follows a real slow-down', () => {
    const t = new BatchSizeTuner(32, { random: never });
    t.seed([{ batch: 8, msPerItem: 0.004 }, { batch: 32, msPerItem: 0.001 }]);
    expect(t.cap).toBe(32);
    // One run of 32 descheduled for a millisecond: 50x its usual time. Taken whole it would move the average
    // to 0.0108 per item and the cap to 8; counted as twice the average it leaves 0.0012.
    t.record(32, 32 * 0.05);
    expect(t.timings().find((x) => x.batch === 32)!.msPerItem).toBeCloseTo(0.0012, 6);
    expect(t.cap).toBe(32);
    // The model really got 10x slower at 32: the average climbs run by run and the cap moves.
    for (let i = 0; i < 20; i++) t.record(32, 32 * 0.01);
    expect(t.timings().find((x) => x.batch === 32)!.msPerItem).toBeGreaterThan(0.005);
    expect(t.cap).toBe(8);
  });

  it('is seeded by calibration and explores a random size now and then', () => {
    const rolls = [0.01, 0.5, 0.99];
    const t = new BatchSizeTuner(8, { random: () => rolls.shift() ?? 0.99 });
    t.seed([{ batch: 1, msPerItem: 1.2 }, { batch: 2, msPerItem: 1.0 }, { batch: 4, msPerItem: 1.3 }, { batch: 8, msPerItem: 1.6 }, { batch: 3, msPerItem: 0.1 }]);
    expect(t.cap).toBe(2);
    // 0.01 < explore: a random size, sizes[floor(0.5 * 4)] = 4.
    expect(t.next()).toBe(4);
    expect(t.next()).toBe(2);
  });
});
