import { heapGrowingFlags } from './heap-growing';

describe('heapGrowingFlags', () => {
  it('is the V8 flag for a percent, nothing for 0 (V8 decides)', () => {
    expect(heapGrowingFlags(200)).toEqual(['--heap-growing-percent=200']);
    expect(heapGrowingFlags(0)).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %p', (percent) => {
    expect(() => heapGrowingFlags(percent)).toThrow(/integer ≥ 0/);
  });
});
