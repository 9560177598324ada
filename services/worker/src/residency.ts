import type { Redis } from 'ioredis';
import { MaasError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { keys } from '@maas/queue';
import type { ExecutionProvider } from './execution-providers';
import type { ModelCacheEvents } from './model-cache';
import { versionKey, type VersionInfo } from './model-source';

/**
 * Where a version stands on one worker: `loaded` (a session is open), `loading`, `failed` (its last load
 * failed and it is not loaded), or `idle` (served — the worker reads its queue — but not loaded: it loads
 * on the next job or on a load command).
 */
export type ResidentState = 'loaded' | 'loading' | 'failed' | 'idle';

/** One version in a worker's residency record. */
export interface ResidentVersion {
  model: string;
  version: number;
  state: ResidentState;
  /** The provider its session runs on (loaded only). */
  executionProvider?: ExecutionProvider;
  /** The last load error (failed only), its gRPC status code and when it happened. */
  error?: string;
  errorCode?: number;
  errorUnixMs?: number;
}

/**
 * What a worker publishes at `maas:residency:<workerId>` (JSON, with a TTL) and indexes in
 * `maas:residency-index` (scored by expiry): the gateway's ModelReady, RepositoryIndex and
 * RepositoryModelLoad/Unload read these records. docs/worker.md describes the format.
 */
export interface ResidencyRecord {
  workerId: string;
  pool: string;
  executionProvider: ExecutionProvider;
  updatedUnixMs: number;
  expiresUnixMs: number;
  versions: ResidentVersion[];
}

/** A load or unload asked by the gateway on `maas:worker-control` (pub/sub). */
export interface ControlCommand {
  op: 'load' | 'unload';
  model: string;
  version: number;
}

/** What the residency publisher needs from the worker. */
export interface ResidencyTarget {
  /** Versions the worker serves now ("model:version"). */
  servedKeys(): string[];
  /** Makes a served version resident (no-op for a version this worker does not serve). */
  load(model: string, version: number): Promise<void>;
  /** Unloads a version (it loads again on the next job). */
  unload(model: string, version: number): Promise<void>;
}

/** Options of a ResidencyPublisher. */
export interface ResidencyOptions {
  /** A connection for commands; a duplicate of it subscribes to the control channel. */
  redis: Redis;
  workerId: string;
  pool: string;
  executionProvider: ExecutionProvider;
  /** How often the record is rewritten; it expires after three periods without a write. */
  intervalMs: number;
  logger: Logger;
}

/**
 * Publishes which versions this worker holds, so readiness comes from the workers and not from a guess:
 * the record is rewritten on every load, unload and failed load, and every intervalMs as a heartbeat;
 * it expires three periods after the last write, so a worker that dies stops counting within that time,
 * and one that drains deletes it at once. Also follows the gateway's load/unload commands.
 */
export class ResidencyPublisher implements ModelCacheEvents {
  private readonly loaded = new Map<string, ExecutionProvider>();
  private readonly loading = new Set<string>();
  private readonly failures = new Map<string, { error: string; code: number; atUnixMs: number }>();
  private readonly names = new Map<string, { model: string; version: number }>();
  private target: ResidencyTarget | undefined;
  private timer: NodeJS.Timeout | undefined;
  private subscriber: Redis | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private stopped = false;

  constructor(private readonly options: ResidencyOptions) {}

  private get ttlMs(): number {
    return this.options.intervalMs * 3;
  }

  /** Starts the heartbeat and the control subscription; `target` is the worker whose versions are published. */
  async start(target: ResidencyTarget): Promise<void> {
    this.target = target;
    this.timer = setInterval(() => this.publishSoon(), this.options.intervalMs);
    this.timer.unref();
    const subscriber = this.options.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.options.logger.debug({ err: err.message }, 'control channel connection error'));
    subscriber.on('message', (_channel: string, message: string) => void this.onCommand(message));
    // Subscribed on every (re)connect: a subscription that failed while Redis was down is not retried by ioredis.
    const subscribe = (): Promise<unknown> => subscriber.subscribe(keys.workerControl()).catch((err: unknown) => this.options.logger.warn({ err: (err as Error).message }, 'cannot subscribe to the worker control channel yet; retrying on reconnect'));
    subscriber.on('ready', () => void subscribe());
    if (subscriber.status === 'wait') await subscriber.connect().catch(() => undefined);
    else await subscribe();
    await this.publishNow();
  }

  /** Deletes the record (draining: this worker no longer counts as holding anything) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.writing;
    this.subscriber?.disconnect();
    const { redis, workerId } = this.options;
    await redis
      .multi()
      .del(keys.residency(workerId))
      .zrem(keys.residencyIndex(), workerId)
      .exec()
      .catch((err: unknown) => this.options.logger.warn({ err: (err as Error).message }, 'could not delete the residency record; it expires by itself'));
  }

  onLoading(info: VersionInfo): void {
    const key = this.remember(info);
    this.loading.add(key);
    this.publishSoon();
  }

  onLoaded(info: VersionInfo, executionProvider: ExecutionProvider): void {
    const key = this.remember(info);
    this.loading.delete(key);
    this.failures.delete(key);
    this.loaded.set(key, executionProvider);
    this.publishSoon();
  }

  onLoadFailed(info: VersionInfo, err: unknown): void {
    const key = this.remember(info);
    this.loading.delete(key);
    const code = err instanceof MaasError ? err.code : 14; // UNAVAILABLE: fetching or creating the session failed
    this.failures.set(key, { error: err instanceof Error ? err.message : String(err), code, atUnixMs: Date.now() });
    this.publishSoon();
  }

  onUnloaded(info: VersionInfo): void {
    const key = this.remember(info);
    this.loaded.delete(key);
    this.publishSoon();
  }

  /** The record as it would be written now. */
  record(now = Date.now()): ResidencyRecord {
    const served = new Set(this.target?.servedKeys() ?? []);
    const versions: ResidentVersion[] = [];
    const all = new Set([...served, ...this.loaded.keys(), ...this.loading]);
    for (const key of [...all].sort()) {
      const name = this.names.get(key) ?? parseKey(key);
      if (!name) continue;
      const ep = this.loaded.get(key);
      const failure = this.failures.get(key);
      if (ep) versions.push({ ...name, state: 'loaded', executionProvider: ep });
      else if (this.loading.has(key)) versions.push({ ...name, state: 'loading' });
      else if (failure) versions.push({ ...name, state: 'failed', error: failure.error, errorCode: failure.code, errorUnixMs: failure.atUnixMs });
      else versions.push({ ...name, state: 'idle' });
    }
    const { workerId, pool, executionProvider } = this.options;
    return { workerId, pool, executionProvider, updatedUnixMs: now, expiresUnixMs: now + this.ttlMs, versions };
  }

  /** Writes the record soon (writes coalesce: one in flight, one more after it at most). */
  publishSoon(): void {
    if (this.stopped) return;
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(() => this.publishNow());
  }

  private async publishNow(): Promise<void> {
    this.dirty = false;
    if (this.stopped) return;
    const { redis, workerId } = this.options;
    const record = this.record();
    try {
      await redis
        .multi()
        .set(keys.residency(workerId), JSON.stringify(record), 'PX', this.ttlMs)
        .zadd(keys.residencyIndex(), record.expiresUnixMs, workerId)
        .zremrangebyscore(keys.residencyIndex(), '-inf', record.updatedUnixMs)
        .exec();
    } catch (err) {
      this.options.logger.debug({ err: (err as Error).message }, 'residency write failed; retrying with the next heartbeat');
    }
  }

  private remember(info: VersionInfo): string {
    const key = versionKey(info.model, info.version);
    this.names.set(key, { model: info.model, version: info.version });
    return key;
  }

  private async onCommand(message: string): Promise<void> {
    const command = parseCommand(message);
    if (!command || !this.target || this.stopped) {
      if (!command) this.options.logger.warn({ message: message.slice(0, 200) }, 'ignoring a malformed worker control message');
      return;
    }
    const log = this.options.logger.child({ model: command.model, version: command.version });
    try {
      if (command.op === 'load') await this.target.load(command.model, command.version);
      else await this.target.unload(command.model, command.version);
      log.info({ op: command.op }, 'control command done');
    } catch (err) {
      // The failure is in the record (onLoadFailed); the gateway reports it to its caller.
      log.warn({ op: command.op, err: (err as Error).message }, 'control command failed');
    }
    this.publishSoon();
  }
}

function parseKey(key: string): { model: string; version: number } | undefined {
  const m = /^(.+):(\d+)$/.exec(key);
  return m ? { model: m[1]!, version: Number(m[2]) } : undefined;
}

/** Parses a control message; undefined when it is not a well-formed command. */
export function parseCommand(message: string): ControlCommand | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  const { op, model, version } = doc as Record<string, unknown>;
  if ((op !== 'load' && op !== 'unload') || typeof model !== 'string' || model === '' || typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return undefined;
  return { op, model, version };
}
