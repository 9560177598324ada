import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, MaasError, NotFoundError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import type { RegistryModelVersion, RegistryWatchEvent } from '@maas/protos';
import type { RegistryClient } from '@maas/registry-client';

/** A model address resolved to the versions to serve, with their canary weights. */
export interface ResolvedModel {
  model: string;
  /** The alias used ("" for an explicit or latest version). */
  alias: string;
  ownerTenant: string;
  targets: ReadonlyArray<{ version: RegistryModelVersion; weight: number }>;
}

/** How long a NOT_FOUND answer is reused (at most the TTL); a change event for the model ends it at once. */
const NOT_FOUND_TTL_MS = 1000;

/** While the registry cannot answer, a key served from its last good resolution is retried this often. */
const STALE_RETRY_MS = 1000;

interface CacheEntry {
  value: Promise<ResolvedModel>;
  settled?: ResolvedModel;
  expiresAtMs: number;
}

/** Parses the protocol's model_version string: "" = default, digits = a version, anything else = an alias. */
export function parseVersionSelector(raw: string): { version: number; alias: string } {
  const s = raw.trim();
  if (s === '') return { version: 0, alias: '' };
  if (/^\d+$/.test(s)) {
    const version = Number(s);
    if (version < 1 || !Number.isSafeInteger(version)) throw new InvalidArgumentError(`model_version "${raw}" is invalid: expected a positive integer or an alias name`);
    return { version, alias: '' };
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)) {
    throw new InvalidArgumentError(`model_version "${raw}" is invalid: expected a version number or an alias (lower-case DNS label)`);
  }
  return { version: 0, alias: s };
}

/** Picks one target by weight (canary split); `random` is injectable for tests. */
export function pickTarget(resolved: ResolvedModel, random: () => number = Math.random): RegistryModelVersion {
  const targets = resolved.targets;
  if (targets.length === 1) return targets[0]!.version;
  const total = targets.reduce((s, t) => s + t.weight, 0);
  let r = random() * total;
  for (const t of targets) {
    r -= t.weight;
    if (r < 0) return t.version;
  }
  return targets[targets.length - 1]!.version;
}

/**
 * What the gateway knows about models: resolutions cached per (model, selector), dropped the moment the
 * registry's change feed reports a change to that model (so a promote or rollback takes effect within the
 * feed's latency, well under a second), and after a TTL as a safety net. When the registry is down, the
 * last good resolution keeps being served. A NOT_FOUND is reused for up to a second (or until the model
 * changes), so requests for a model that does not exist do not each cost a registry call.
 */
export class ModelCatalog {
  private readonly cache = new Map<string, CacheEntry>();
  /** The last successful resolution per key, kept through invalidations: served only when the registry fails. */
  private readonly lastGood = new Map<string, ResolvedModel>();
  private stream: grpc.ClientReadableStream<unknown> | undefined;
  private resumeToken = '';
  private stopped = false;
  private retryMs = 200;
  /** Called with the model name on every change event (for metrics/statistics resets). */
  onChange: ((model: string) => void) | undefined;

  constructor(private readonly registry: RegistryClient, private readonly logger: Logger, private readonly ttlMs: number) {}

  /** Starts following the change feed. */
  start(): void {
    this.openWatch();
  }

  private openWatch(): void {
    if (this.stopped) return;
    let stream: grpc.ClientReadableStream<unknown>;
    try {
      stream = this.registry.watch(this.resumeToken);
    } catch (err) {
      this.scheduleRewatch((err as Error).message);
      return;
    }
    this.stream = stream;
    stream.on('data', (event: RegistryWatchEvent) => {
      this.retryMs = 200;
      this.resumeToken = event.token || this.resumeToken;
      if (event.kind === 'HEARTBEAT') return;
      this.invalidate(event.model);
      this.onChange?.(event.model);
    });
    stream.on('error', (err: grpc.ServiceError) => {
      if (this.stopped || err.code === grpc.status.CANCELLED) return;
      if (err.code === grpc.status.OUT_OF_RANGE) {
        // Our resume point is older than the registry keeps: forget everything and start fresh.
        this.resumeToken = '';
        this.cache.clear();
      }
      this.scheduleRewatch(err.details || err.message);
    });
    stream.on('end', () => this.scheduleRewatch('stream ended'));
  }

  private scheduleRewatch(reason: string): void {
    if (this.stopped) return;
    this.stream?.removeAllListeners();
    this.stream = undefined;
    this.logger.debug({ reason, retryMs: this.retryMs }, 'registry watch lost; reconnecting');
    // While the feed is down, cached resolutions may go stale: shorten their life to one retry period.
    for (const entry of this.cache.values()) entry.expiresAtMs = Math.min(entry.expiresAtMs, Date.now() + 1000);
    const timer = setTimeout(() => this.openWatch(), this.retryMs);
    timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 5000);
  }

  /** Drops every cached resolution of a model. */
  invalidate(model: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${model}|`)) this.cache.delete(key);
  }

  /** Resolves a model name and the protocol's version string (number, alias, or "" for the default). */
  async resolve(model: string, versionSelector: string): Promise<ResolvedModel> {
    if (model === '') throw new InvalidArgumentError('model_name is empty: expected the name of a model');
    const { version, alias } = parseVersionSelector(versionSelector);
    const key = `${model}|${version}|${alias}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAtMs > now) return hit.settled ?? hit.value;
    if (hit?.settled) {
      // Expired by the TTL only (a change event deletes the entry): answer with it now, refresh behind it.
      void this.refresh(key, model, version, alias, hit.settled).catch(() => undefined);
      return hit.settled;
    }
    return this.refresh(key, model, version, alias);
  }

  /**
   * One registry lookup for a key, shared by every request that arrives while it runs. When the registry
   * cannot answer (down, unreachable through Consul), every one of those requests gets the last good
   * resolution instead of the error, and the lookup is retried a second later.
   */
  private refresh(key: string, model: string, version: number, alias: string, meanwhile?: ResolvedModel): Promise<ResolvedModel> {
    const now = Date.now();
    // `meanwhile`: what requests get while this refresh runs (only for a TTL refresh, never after a change event).
    const entry: CacheEntry = { value: undefined as unknown as Promise<ResolvedModel>, expiresAtMs: now + this.ttlMs, ...(meanwhile ? { settled: meanwhile } : {}) };
    entry.value = this.fetch(model, version, alias).then(
      (resolved) => {
        entry.settled = resolved;
        this.lastGood.set(key, resolved);
        return resolved;
      },
      (err: unknown) => {
        const current = this.cache.get(key) === entry;
        if (err instanceof NotFoundError) {
          this.lastGood.delete(key);
          delete entry.settled;
          // Remembered briefly, so a client retrying a misspelt name does not cost a registry call per request;
          // the change feed drops it the moment the model appears.
          if (current) entry.expiresAtMs = now + Math.min(this.ttlMs, NOT_FOUND_TTL_MS);
          throw err;
        }
        const stale = this.lastGood.get(key);
        if (!stale || err instanceof InvalidArgumentError) {
          if (current) this.cache.delete(key);
          throw err;
        }
        this.logger.warn({ model, err: (err as Error).message }, 'registry unavailable; serving the last known resolution');
        entry.settled = stale;
        if (current) entry.expiresAtMs = Date.now() + STALE_RETRY_MS;
        return stale;
      },
    );
    this.cache.set(key, entry);
    return entry.value;
  }

  private async fetch(model: string, version: number, alias: string): Promise<ResolvedModel> {
    const [res, info] = await Promise.all([this.registry.resolve(model, version, alias), this.registry.getModel(model)]);
    const byVersion = new Map(res.versions.map((v) => [v.version, v]));
    const targets = res.targets.map((t) => {
      const v = byVersion.get(t.version);
      if (!v) throw new MaasError(`registry resolved ${model} to version ${t.version} without its metadata`);
      return { version: v, weight: t.weight };
    });
    if (targets.length === 0) throw new NotFoundError(`model "${model}" has no version to serve${alias ? ` under alias "${alias}"` : ''}`);
    return { model, alias: res.alias, ownerTenant: info.owner_tenant, targets };
  }

  close(): void {
    this.stopped = true;
    this.stream?.cancel();
    this.stream = undefined;
  }
}
