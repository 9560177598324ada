/** How the cache behaves; the defaults suit the gateway (see LocalPostCache). */
export interface LocalPostCacheOptions {
  /** Versions kept (least recently used dropped first). Default 64. */
  size?: number;
  /** Longest a request waits for a first load before it goes the remote way (the load goes on). Default 2000. */
  maxWaitMs?: number;
  /** After a failed load, how long requests go the remote way before a load is tried again. Default 30000. */
  retryAfterMs?: number;
  /** Called once per failed load (not once per request), for a log line. */
  onFailure?: (key: string, err: Error) => void;
  now?: () => number;
}

/**
 * Per-version post pipelines the gateway runs in process, loaded on first use. A request never waits long
 * for them: get() resolves undefined (use the remote path) while a load is slower than maxWaitMs, and for
 * retryAfterMs after a load failed (a registry outage must not add seconds to every request, nor a log line
 * per request). Concurrent requests share one load.
 */
export class LocalPostCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  private readonly failedUntil = new Map<string, number>();
  private readonly size: number;
  private readonly maxWaitMs: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LocalPostCacheOptions = {}) {
    this.size = options.size ?? 64;
    this.maxWaitMs = options.maxWaitMs ?? 2000;
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** The value for `key` (loading it with `load` when missing), or undefined when it is not ready in `waitMs`. */
  async get(key: string, load: () => Promise<T>, waitMs = this.maxWaitMs): Promise<T | undefined> {
    const until = this.failedUntil.get(key);
    if (until !== undefined) {
      if (until > this.now()) return undefined;
      this.failedUntil.delete(key);
    }
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry); // most recently used last
    } else {
      entry = load();
      this.entries.set(key, entry);
      entry.catch((err: unknown) => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        this.failedUntil.set(key, this.now() + this.retryAfterMs);
        this.options.onFailure?.(key, err as Error);
      });
      while (this.entries.size > this.size) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.delete(oldest);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), Math.max(0, Math.min(waitMs, this.maxWaitMs)));
    });
    try {
      return await Promise.race([entry, timeout]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Versions cached (tests, logs). */
  get cached(): number {
    return this.entries.size;
  }
}
