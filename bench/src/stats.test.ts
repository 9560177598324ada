import { quantileSorted, SampleBuffer, summarizeLatencies } from './stats';

describe('quantileSorted (nearest rank)', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('returns the sample at rank ceil(q*n)', () => {
    expect(quantileSorted(hundred, 0.5)).toBe(50);
    expect(quantileSorted(hundred, 0.9)).toBe(90);
    expect(quantileSorted(hundred, 0.99)).toBe(99);
    expect(quantileSorted(hundred, 1)).toBe(100);
    expect(quantileSorted(hundred, 0)).toBe(1);
  });

  it('gives the tail to small sets instead of interpolating', () => {
    expect(quantileSorted([1, 2, 3], 0.99)).toBe(3);
    expect(quantileSorted([7], 0.5)).toBe(7);
  });

  it('refuses no samples and q outside 0..1', () => {
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantileSorted([1], 1.5)).toThrow(/0\.\.1/);
    expect(() => quantileSorted([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarizeLatencies', () => {
  it('sorts a copy numerically and leaves the input alone', () => {
    const input = [10, 2, 33, 4, 5];
    const s = summarizeLatencies(input);
    expect(input).toEqual([10, 2, 33, 4, 5]);
    expect(s).toMatchObject({ count: 5, min: 2, max: 33, p50: 5, p99: 33 });
    expect(s.mean).toBeCloseTo(10.8);
  });

  it('sorts as numbers, not as strings', () => {
    expect(summarizeLatencies([100, 9, 20]).p50).toBe(20);
  });
});

describe('SampleBuffer', () => {
  it('grows past its first block and keeps every sample in order', () => {
    const b = new SampleBuffer();
    for (let i = 0; i < 10_000; i++) b.push(i);
    expect(b.length).toBe(10_000);
    expect(b.values()[9_999]).toBe(9_999);
    expect(summarizeLatencies(b.values()).p50).toBe(4_999);
  });
});
