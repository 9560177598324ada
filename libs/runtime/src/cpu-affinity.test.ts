import { parseCpuList } from './cpu-affinity';

describe('parseCpuList', () => {
  it('reads single CPUs, ranges and mixes, sorted and without repeats', () => {
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseCpuList(' 6,0,2-3,3 ')).toEqual([0, 2, 3, 6]);
  });

  it.each(['', 'a', '1,', '-1', '1-', '0 1', '1;2'])('rejects %p', (text) => {
    expect(() => parseCpuList(text)).toThrow(/not a CPU list/);
  });

  it('rejects a range that runs backwards', () => {
    expect(() => parseCpuList('3-1')).toThrow(/runs backwards/);
  });
});
