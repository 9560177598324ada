import type { ModelSelector } from './config';
import { runtimeChanged, versionKey, type ModelSource, type SourceEvent, type VersionInfo } from './model-source';
import { VersionWorker, type VersionWorkerDeps } from './version-worker';

/** Options of an InferenceWorker: what each VersionWorker needs, plus where models come from and which. */
export interface InferenceWorkerOptions extends VersionWorkerDeps {
  source: ModelSource;
  /** What to serve: every model (`all`) and/or named models, optionally pinned to a version. */
  models: { all: boolean; selectors: ModelSelector[] };
  queueStatsIntervalMs: number;
  /** Called when a version starts or stops being served (the residency record is rewritten). */
  onServedChange?: () => void;
}

/**
 * Keeps the set of served versions in line with the model source: a named model's current versions
 * (every alias target, so canary splits work, plus the latest), pinned versions as given, every model
 * for `*`. Runs one VersionWorker per served version, re-syncs on change-feed events (new version,
 * alias moved, config changed: batching applies at once, runtime settings reload the session), and
 * refreshes the queue gauges.
 */
export class InferenceWorker {
  private readonly workers = new Map<string, VersionWorker>();
  private readonly infos = new Map<string, VersionInfo>();
  private syncing: Promise<void> = Promise.resolve();
  private resyncTimer: NodeJS.Timeout | undefined;
  private syncRetryMs = 500;
  private statsTimer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private draining = false;

  constructor(private readonly options: InferenceWorkerOptions) {}

  /** Versions served now ("model:version"). */
  servedKeys(): string[] {
    return [...this.workers.keys()].sort();
  }

  /** Makes a served version resident (RepositoryModelLoad); a version this worker does not serve is ignored. */
  async load(model: string, version: number): Promise<void> {
    const info = this.infos.get(versionKey(model, version));
    if (!info || this.draining) return;
    const loaded = await this.options.cache.acquire(info);
    this.options.cache.release(loaded);
  }

  /** Unloads a version (RepositoryModelUnload); it stays served and loads again on its next job. */
  async unload(model: string, version: number): Promise<void> {
    await this.options.cache.invalidate(model, version, 'removed');
  }

  /** First sync, preload what fits the budget (health stays NOT_SERVING meanwhile), then follow changes. */
  async start(): Promise<void> {
    this.unwatch = this.options.source.watch((event) => this.onEvent(event));
    await this.sync();
    await this.preload();
    for (const worker of this.workers.values()) worker.start();
    this.statsTimer = setInterval(() => void this.refreshQueueStats(), this.options.queueStatsIntervalMs);
    this.statsTimer.unref();
    void this.refreshQueueStats();
  }

  /** Re-reads what to serve (serialized: one sync at a time). */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.doSync()).then(
      () => {
        this.syncRetryMs = 500;
      },
      (err: unknown) => {
        // E.g. the registry is not discoverable yet at start-up: keep what is served and try again soon.
        this.options.logger.warn({ err, retryMs: this.syncRetryMs }, 'model sync failed; keeping the current set and retrying');
        if (this.draining) return;
        clearTimeout(this.resyncTimer);
        this.resyncTimer = setTimeout(() => void this.sync(), this.syncRetryMs);
        this.resyncTimer.unref();
        this.syncRetryMs = Math.min(this.syncRetryMs * 2, 10_000);
      },
    );
    return this.syncing;
  }

  /** Stops following changes and stops every version loop (each finishes its batch and releases the rest). */
  async drain(): Promise<void> {
    this.draining = true;
    this.unwatch?.();
    clearTimeout(this.resyncTimer);
    clearInterval(this.statsTimer);
    await this.syncing;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
  }

  private onEvent(event: SourceEvent): void {
    if (event.kind === 'VERSION_ADDED' || event.kind === 'VERSION_REMOVED' || event.kind === 'ALIAS_CHANGED' || event.kind === 'CONFIG_CHANGED' || event.kind === 'MODEL_DELETED' || event.kind === 'MODEL_CREATED' || event.kind === 'RESYNC') {
      this.options.logger.info({ event: event.kind, model: event.model, version: event.version }, 'model change; re-syncing');
      clearTimeout(this.resyncTimer);
      this.resyncTimer = setTimeout(() => void this.sync(), 50); // coalesce bursts (upload + alias)
    }
  }

  private async desiredVersions(): Promise<Array<{ model: string; version: number }>> {
    const { source, models } = this.options;
    const names = new Set(models.selectors.filter((s) => s.version === undefined).map((s) => s.model));
    if (models.all) for (const name of await source.listModels()) names.add(name);
    const out = new Map<string, { model: string; version: number }>();
    for (const s of models.selectors) if (s.version !== undefined) out.set(versionKey(s.model, s.version), { model: s.model, version: s.version });
    for (const model of names) {
      try {
        for (const version of await source.currentVersions(model)) out.set(versionKey(model, version), { model, version });
      } catch (err) {
        this.options.logger.warn({ model, err: (err as Error).message }, 'cannot resolve the versions of a model; not serving it for now');
      }
    }
    return [...out.values()];
  }

  private async doSync(): Promise<void> {
    if (this.draining) return;
    const { source, cache, logger } = this.options;
    const desired = await this.desiredVersions();
    const keep = new Set<string>();
    const added: VersionInfo[] = [];
    for (const { model, version } of desired) {
      const key = versionKey(model, version);
      let info: VersionInfo;
      try {
        info = await source.getVersion(model, version);
      } catch (err) {
        logger.warn({ model, version, err: (err as Error).message }, 'cannot read a version; not serving it');
        continue;
      }
      keep.add(key);
      const previous = this.infos.get(key);
      this.infos.set(key, info);
      const existing = this.workers.get(key);
      if (existing) {
        existing.update(info);
        if (previous && (runtimeChanged(previous.settings, info.settings) || previous.sha256 !== info.sha256)) {
          logger.info({ model, version }, 'runtime settings changed; reloading the session');
          await cache.invalidate(model, version, 'reload');
        }
        continue;
      }
      const worker = new VersionWorker(this.options, info);
      this.workers.set(key, worker);
      added.push(info);
      logger.info({ model, version, batching: info.settings }, 'serving model version');
      if (this.statsTimer) worker.start(); // after start(): new versions start at once
      this.options.onServedChange?.();
    }
    for (const [key, worker] of this.workers) {
      if (keep.has(key)) continue;
      const info = this.infos.get(key)!;
      this.workers.delete(key);
      this.infos.delete(key);
      logger.info({ model: info.model, version: info.version }, 'no longer serving model version');
      await worker.stop();
      await cache.invalidate(info.model, info.version, 'removed');
      this.options.metrics.removeVersion(info.model, info.version);
      this.options.onServedChange?.();
    }
    // A version that starts being served after start-up is loaded now when it fits, so ModelReady turns
    // true without waiting for a first request (clients wait for ready before they send one).
    if (this.statsTimer && added.length > 0) void this.preload(added);
  }

  /** Loads served versions in order while they fit the budget, so the first jobs do not wait for a load. */
  private async preload(infos: Iterable<VersionInfo> = this.infos.values()): Promise<void> {
    const { cache, logger } = this.options;
    for (const info of [...infos]) {
      if (this.draining) return;
      if (!cache.hasRoomFor(info.sizeBytes)) continue;
      try {
        const model = await cache.acquire(info);
        cache.release(model);
      } catch (err) {
        logger.warn({ model: info.model, version: info.version, err: (err as Error).message }, 'preload failed; will retry on the first job');
      }
    }
  }

  private async refreshQueueStats(): Promise<void> {
    const { consumer, metrics } = this.options;
    for (const info of this.infos.values()) {
      try {
        const stats = await consumer.stats(info.model, info.version);
        if (this.infos.get(versionKey(info.model, info.version)) !== info) continue; // left (or changed) meanwhile
        const labels = { model: info.model, version: String(info.version) };
        metrics.queueDepth.set(labels, stats.depth);
        metrics.queueOldestJobAgeSeconds.set(labels, stats.oldestJobAgeMs / 1000);
      } catch {
        return; // Redis down: the read loops log it
      }
    }
  }
}
