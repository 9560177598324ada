import type * as ort from 'onnxruntime-node';
import { ResourceExhaustedError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import type { BatchTiming } from './batch-calibration';
import type { CreatedSession, ExecutionProvider } from './execution-providers';
import type { WorkerMetrics } from './metrics';
import { versionKey, type VersionInfo } from './model-source';

/** A model version bigger than the whole memory budget. */
export class ModelTooBigError extends ResourceExhaustedError {}

/** A loaded model version; hold it between acquire() and release(). */
export interface LoadedModel {
  readonly key: string;
  readonly info: VersionInfo;
  readonly session: ort.InferenceSession;
  readonly executionProvider: ExecutionProvider;
  readonly sizeBytes: number;
  /** Time per item at each batch size, measured at load; absent when the model's dims did not allow it. */
  readonly calibration?: BatchTiming[];
}

interface Entry extends LoadedModel {
  refs: number;
  lastUsedMs: number;
  /** Monotonic use order (LRU must not depend on millisecond ties). */
  useSeq: number;
  stale: boolean;
}

/** Options of a ModelCache. */
export interface ModelCacheOptions {
  memoryBudgetBytes: number;
  /** Unload a model unused this long; 0 = never. */
  idleUnloadMs: number;
  /** Fetches the artifact and creates the session. */
  load: (info: VersionInfo) => Promise<CreatedSession>;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Told of every load, unload and failed load (the residency publisher listens). */
  events?: ModelCacheEvents;
}

/** What a ModelCache reports as versions come and go. */
export interface ModelCacheEvents {
  onLoading(info: VersionInfo): void;
  onLoaded(info: VersionInfo, executionProvider: ExecutionProvider): void;
  onLoadFailed(info: VersionInfo, err: unknown): void;
  onUnloaded(info: VersionInfo): void;
}

/**
 * Loaded models, least-recently-used under a memory budget in bytes (a model's size is its artifact
 * size: ORT's resident size is dominated by the initializers). Loads on first demand; makes room by
 * unloading idle models, LRU first, and waits when every loaded model is in use; unloads models idle
 * longer than idleUnloadMs; refuses a model bigger than the whole budget with a clear error.
 */
export class ModelCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private reservedBytes = 0;
  private useCounter = 0;
  private waiters: Array<() => void> = [];
  private readonly sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: ModelCacheOptions) {
    if (options.idleUnloadMs > 0) {
      this.sweeper = setInterval(() => void this.unloadIdle(), Math.max(50, Math.min(options.idleUnloadMs / 2, 30_000)));
      this.sweeper.unref();
    }
  }

  /** Bytes of loaded and loading models. */
  get usedBytes(): number {
    let total = this.reservedBytes;
    for (const e of this.entries.values()) total += e.sizeBytes;
    return total;
  }

  /** Whether `bytes` more fit the budget without evicting anything. */
  hasRoomFor(bytes: number): boolean {
    return this.usedBytes + bytes <= this.options.memoryBudgetBytes;
  }

  /** Keys ("model:version") of the loaded models, least recently used first. */
  loadedKeys(): string[] {
    return [...this.entries.values()].sort((a, b) => a.useSeq - b.useSeq).map((e) => e.key);
  }

  /** Whether `info`'s session is loaded and usable now (acquire() would not load). */
  isResident(info: VersionInfo): boolean {
    const entry = this.entries.get(versionKey(info.model, info.version));
    return entry !== undefined && !entry.stale;
  }

  /** The loaded model for `info`, loading it (and evicting others) when needed. Pair with release(). */
  async acquire(info: VersionInfo): Promise<LoadedModel> {
    const key = versionKey(info.model, info.version);
    for (;;) {
      const entry = this.entries.get(key);
      if (entry && !entry.stale) {
        entry.refs += 1;
        entry.lastUsedMs = Date.now();
        entry.useSeq = ++this.useCounter;
        return entry;
      }
      if (entry?.stale) {
        await this.changed(); // a reload is pending until the old session is released
        continue;
      }
      const inFlight = this.loading.get(key);
      if (inFlight) {
        await inFlight.catch(() => undefined);
        if (!this.entries.has(key)) return this.acquireFresh(info, key);
        continue;
      }
      return this.acquireFresh(info, key);
    }
  }

  /** Gives back a model from acquire(). */
  release(model: LoadedModel): void {
    const entry = this.entries.get(model.key);
    if (!entry || entry !== model) return;
    entry.refs -= 1;
    entry.lastUsedMs = Date.now();
    entry.useSeq = ++this.useCounter;
    if (entry.refs === 0 && entry.stale) void this.evict(entry, 'reload');
    this.notify();
  }

  /** Unloads a version (removed from serving, or its runtime config changed): now if idle, else once released. */
  async invalidate(model: string, version: number, reason: 'removed' | 'reload'): Promise<void> {
    const entry = this.entries.get(versionKey(model, version));
    if (!entry) return;
    if (entry.refs === 0) await this.evict(entry, reason);
    else entry.stale = true;
  }

  /** Unloads models unused for idleUnloadMs. */
  async unloadIdle(now = Date.now()): Promise<void> {
    for (const entry of [...this.entries.values()]) {
      if (entry.refs === 0 && now - entry.lastUsedMs >= this.options.idleUnloadMs) await this.evict(entry, 'idle');
    }
  }

  /** Unloads everything (shutdown). */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const entry of [...this.entries.values()]) await this.evict(entry, 'removed');
  }

  private async acquireFresh(info: VersionInfo, key: string): Promise<LoadedModel> {
    const promise = this.load(info, key);
    this.loading.set(key, promise);
    try {
      const entry = await promise;
      entry.refs += 1;
      return entry;
    } finally {
      this.loading.delete(key);
      this.notify();
    }
  }

  private async load(info: VersionInfo, key: string): Promise<Entry> {
    const { memoryBudgetBytes } = this.options;
    if (info.sizeBytes > memoryBudgetBytes) {
      const err = new ModelTooBigError(`model ${info.model} v${info.version} needs ${info.sizeBytes} bytes, more than this worker's whole memory budget of ${memoryBudgetBytes} bytes (MAAS_WORKER_MEMORY_BUDGET_BYTES); serve it from a pool with a bigger budget`, { details: { model: info.model, version: info.version } });
      this.options.metrics.modelLoadFailures.inc({ model: info.model, version: String(info.version) });
      this.options.events?.onLoadFailed(info, err);
      throw err;
    }
    await this.makeRoom(info.sizeBytes);
    this.reservedBytes += info.sizeBytes;
    const started = process.hrtime.bigint();
    const { events } = this.options;
    events?.onLoading(info);
    try {
      let created: CreatedSession;
      try {
        created = await this.options.load(info);
      } catch (err) {
        this.options.metrics.modelLoadFailures.inc({ model: info.model, version: String(info.version) });
        events?.onLoadFailed(info, err);
        throw err;
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { model: info.model, version: String(info.version) };
      this.options.metrics.modelLoadSeconds.observe(labels, seconds);
      this.options.metrics.modelLoadedBytes.set(labels, info.sizeBytes);
      this.options.metrics.modelsLoaded.inc({ execution_provider: created.executionProvider });
      this.options.logger.info({ ...labels, sizeBytes: info.sizeBytes, executionProvider: created.executionProvider, loadMs: Math.round(seconds * 1000) }, 'model loaded');
      const entry: Entry = { key, info, sizeBytes: info.sizeBytes, ...created, refs: 0, lastUsedMs: Date.now(), useSeq: ++this.useCounter, stale: false };
      this.entries.set(key, entry);
      events?.onLoaded(info, created.executionProvider);
      return entry;
    } finally {
      this.reservedBytes -= info.sizeBytes;
    }
  }

  /** Evicts idle models, least recently used first, until `bytes` fit; waits while everything is in use. */
  private async makeRoom(bytes: number): Promise<void> {
    while (this.usedBytes + bytes > this.options.memoryBudgetBytes) {
      const victim = [...this.entries.values()].filter((e) => e.refs === 0).sort((a, b) => a.useSeq - b.useSeq)[0];
      if (victim) await this.evict(victim, 'lru');
      else await this.changed();
    }
  }

  private async evict(entry: Entry, reason: 'lru' | 'idle' | 'removed' | 'reload'): Promise<void> {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    const labels = { model: entry.info.model, version: String(entry.info.version) };
    this.options.metrics.modelLoadedBytes.remove(labels);
    this.options.metrics.batchCap.remove(labels);
    this.options.metrics.modelsLoaded.dec({ execution_provider: entry.executionProvider });
    this.options.events?.onUnloaded(entry.info);
    this.options.metrics.modelEvictions.inc({ ...labels, reason });
    this.options.logger.info({ ...labels, reason, sizeBytes: entry.sizeBytes }, 'model unloaded');
    this.notify();
    await entry.session.release().catch((err: unknown) => this.options.logger.warn({ err, ...labels }, 'releasing an ORT session failed'));
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
