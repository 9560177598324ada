import { keys } from '@maas/queue';
import type { ModelSelector } from './config';
import { runtimeChanged, versionKey, type ModelSource, type SourceEvent, type VersionInfo } from './model-source';
import { VersionWorker, type VersionWorkerDeps } from './version-worker';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const jobsKeyOf = (info: VersionInfo): string => keys.jobs(info.model, info.version);

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
 * for `*`. Runs one VersionWorker per served version, all fed by one read loop; re-syncs on change-feed events (new version,
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
  private loops: Promise<void> | undefined;
  /** Bumped whenever the set to read changes; a read that fails while it moved was aborted on purpose. */
  private generation = 0;
  /** Resolved (and replaced) at each wake(). */
  private changed = deferred();
  /** Cold versions whose load failed: read once anyway, so their jobs are answered with the load error. */
  private readonly forceRead = new Set<string>();

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
    this.loops = Promise.all([this.readLoop(), this.coldLoop()]).then(() => undefined);
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
    this.wake();
    await this.loops;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
  }

  /** Ends the blocked reads so both loops read the current set (a version added, removed, loaded, or draining). */
  private wake(): void {
    this.generation++;
    this.options.consumer.abortReads();
    this.notify();
  }

  /** Wakes a loop that waits for the set to change (without ending blocked reads). */
  private notify(): void {
    const { resolve } = this.changed;
    this.changed = deferred();
    resolve();
  }

  /** What a loop with nothing to read waits for: a change of the set, or one read block at most. */
  private untilChanged(): Promise<void> {
    return Promise.race([this.changed.promise, sleep(this.options.readBlockMs)]);
  }

  /**
   * One blocking read of a loop; undefined when it failed: silently when the set changed on purpose (wake() ended
   * it) or the worker drains, else logged and after a 500 ms pause.
   */
  private async attempt<T>(generation: number, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      if (this.draining || generation !== this.generation) return undefined;
      this.options.logger.warn({ err: (err as Error).message }, 'queue read failed; retrying');
      await sleep(500);
      return undefined;
    }
  }

  /** Versions served and not stopping: the resident ones (session loaded, or to be read anyway) and the cold ones. */
  private partition(): { resident: VersionWorker[]; cold: VersionWorker[] } {
    const active = [...this.workers.values()].filter((w) => !w.stopped);
    const read = (w: VersionWorker): boolean => this.options.cache.isResident(w.version) || this.forceRead.has(jobsKeyOf(w.version));
    return { resident: active.filter(read), cold: active.filter((w) => !read(w)) };
  }

  /**
   * The worker's one read loop: a single blocking read over the streams of every resident version, each batch
   * handed to its version's runner in turn (ONNX Runtime runs one session at a time on this thread anyway). Idle,
   * it is one blocked read (and the cold watch another), whatever the number of versions.
   */
  private async readLoop(): Promise<void> {
    const { consumer, readBlockMs } = this.options;
    while (!this.draining) {
      const generation = this.generation;
      const { resident } = this.partition();
      if (resident.length === 0) {
        await this.untilChanged();
        continue;
      }
      const forced = resident.filter((w) => this.forceRead.delete(jobsKeyOf(w.version)));
      const got = await this.attempt(generation, () => consumer.readMany(resident.map((w) => ({ model: w.version.model, version: w.version.version, maxCount: w.batchLimit() })), readBlockMs));
      if (!got) continue;
      for (const [streamKey, batch] of got) {
        // Every stream read belongs to a runner: a removed version's runner is stopping and releases its jobs.
        await resident.find((w) => jobsKeyOf(w.version) === streamKey)!.handle(batch);
      }
      // A version read despite a failed load is cold again: the cold watch takes it back at once.
      if (forced.length > 0) this.notify();
    }
  }

  /**
   * Watches the versions whose session is not loaded, without taking their jobs (one blocking read for all):
   * when one gets work it is loaded first, then the read loop is woken to read it, so a slow load holds no job.
   */
  private async coldLoop(): Promise<void> {
    const { consumer, cache, logger, readBlockMs } = this.options;
    while (!this.draining) {
      const generation = this.generation;
      const { cold } = this.partition();
      if (cold.length === 0) {
        await this.untilChanged();
        continue;
      }
      const ready = await this.attempt(generation, () => consumer.waitForAnyWork(cold.map((w) => w.version), readBlockMs));
      if (!ready || ready.length === 0 || this.draining) continue;
      for (const worker of cold.filter((w) => ready.includes(jobsKeyOf(w.version)))) {
        if (worker.stopped) continue;
        try {
          cache.release(await cache.acquire(worker.version));
        } catch (err) {
          // Read the jobs anyway: the runner tries once more and answers them with the load error.
          logger.warn({ model: worker.version.model, version: worker.version.version, err: (err as Error).message }, 'model load failed before reading its jobs');
          this.forceRead.add(jobsKeyOf(worker.version));
        }
      }
      this.wake();
    }
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
      this.options.onServedChange?.();
    }
    for (const [key, worker] of this.workers) {
      if (keep.has(key)) continue;
      const info = this.infos.get(key)!;
      this.workers.delete(key);
      this.infos.delete(key);
      logger.info({ model: info.model, version: info.version }, 'no longer serving model version');
      await worker.stop();
      this.wake();
      await cache.invalidate(info.model, info.version, 'removed');
      this.options.metrics.removeVersion(info.model, info.version);
      this.options.onServedChange?.();
    }
    if (added.length > 0) this.wake(); // the loops read the new versions at once
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

  /** The queue gauges of every served version, read in one round trip. */
  private async refreshQueueStats(): Promise<void> {
    const { consumer, metrics } = this.options;
    const infos = [...this.infos.values()];
    let stats;
    try {
      stats = await consumer.statsMany(infos);
    } catch {
      return; // Redis down: the read loops log it
    }
    infos.forEach((info, i) => {
      if (this.infos.get(versionKey(info.model, info.version)) !== info) return; // left (or changed) meanwhile
      const labels = { model: info.model, version: String(info.version) };
      metrics.queueDepth.set(labels, stats[i]!.depth);
      metrics.queueOldestJobAgeSeconds.set(labels, stats[i]!.oldestJobAgeMs / 1000);
    });
  }
}
