import { LocalPostCache } from './local-post-cache';

const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('LocalPostCache', () => {
  it('loads once for concurrent requests and serves the cached value after', async () => {
    const cache = new LocalPostCache<string>();
    let loads = 0;
    const load = async (): Promise<string> => {
      loads++;
      return later(5, 'post');
    };
    expect(await Promise.all([cache.get('m|1', load), cache.get('m|1', load)])).toEqual(['post', 'post']);
    expect(await cache.get('m|1', load)).toBe('post');
    expect(loads).toBe(1);
  });

  it('answers undefined (remote path) when a first load is slower than the wait, and serves it once loaded', async () => {
    const cache = new LocalPostCache<string>({ maxWaitMs: 10 });
    const load = (): Promise<string> => later(40, 'slow');
    expect(await cache.get('m|1', load)).toBeUndefined();
    expect(await cache.get('m|1', load, 5)).toBeUndefined(); // a request with little deadline left waits less
    await later(50, null);
    expect(await cache.get('m|1', load)).toBe('slow');
  });

  it('after a failed load, goes the remote way until retryAfterMs passed, reporting the failure once', async () => {
    let now = 1000;
    const failures: string[] = [];
    const cache = new LocalPostCache<string>({ retryAfterMs: 30_000, now: () => now, onFailure: (key, err) => failures.push(`${key}: ${err.message}`) });
    let loads = 0;
    const failing = async (): Promise<string> => {
      loads++;
      throw new Error('registry unavailable');
    };
    expect(await cache.get('m|1', failing)).toBeUndefined();
    await later(0, null);
    expect(await cache.get('m|1', failing)).toBeUndefined();
    expect(await cache.get('m|1', failing)).toBeUndefined();
    expect(loads).toBe(1);
    expect(failures).toEqual(['m|1: registry unavailable']);
    now += 30_001;
    expect(await cache.get('m|1', async () => 'back')).toBe('back');
  });

  it('keeps at most `size` versions, dropping the least recently used', async () => {
    const cache = new LocalPostCache<string>({ size: 2 });
    await cache.get('a', async () => 'a');
    await cache.get('b', async () => 'b');
    await cache.get('a', async () => 'a2'); // a used again: b is now the oldest
    await cache.get('c', async () => 'c');
    expect(cache.cached).toBe(2);
    expect(await cache.get('a', async () => 'reloaded')).toBe('a');
    expect(await cache.get('b', async () => 'reloaded')).toBe('reloaded');
  });
});
