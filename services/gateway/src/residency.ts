import type { Redis } from 'ioredis';
import { UnavailableError } from '@maas/errors';
import { keys } from '@maas/queue';

/** A version on one worker, as the worker publishes it (services/worker/src/residency.ts writes these). */
export interface ResidentVersion {
  model: string;
  version: number;
  state: 'loaded' | 'loading' | 'failed' | 'idle';
  executionProvider?: string;
  error?: string;
  errorCode?: number;
  errorUnixMs?: number;
}

/** One live worker's residency record. */
export interface WorkerResidency {
  workerId: string;
  pool: string;
  executionProvider: string;
  updatedUnixMs: number;
  expiresUnixMs: number;
  versions: ResidentVersion[];
}

/** A version's state in RepositoryIndex (Triton's names). */
export type VersionState = 'READY' | 'LOADING' | 'UNAVAILABLE';

const STATES = new Set(['loaded', 'loading', 'failed', 'idle']);

/** Parses one record; undefined when it is not one (a record of a newer or broken writer is skipped, not fatal). */
export function parseResidency(text: string | null): WorkerResidency | undefined {
  if (!text) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  const r = doc as Partial<WorkerResidency>;
  if (typeof r.workerId !== 'string' || typeof r.pool !== 'string' || typeof r.expiresUnixMs !== 'number' || !Array.isArray(r.versions)) return undefined;
  const versions = r.versions.filter((v): v is ResidentVersion => v !== null && typeof v === 'object' && typeof v.model === 'string' && typeof v.version === 'number' && STATES.has(v.state));
  return { workerId: r.workerId, pool: r.pool, executionProvider: String(r.executionProvider ?? ''), updatedUnixMs: Number(r.updatedUnixMs ?? 0), expiresUnixMs: r.expiresUnixMs, versions };
}

/**
 * Where a version stands over the live workers: READY when at least one holds it loaded; LOADING while
 * one is loading it; otherwise UNAVAILABLE with the reason — the last load error, "served but not
 * loaded" (it loads on its next request or a RepositoryModelLoad), or no live worker serves it at all.
 */
export function versionState(workers: readonly WorkerResidency[], model: string, version: number): { state: VersionState; reason: string } {
  const on = workers.flatMap((w) => w.versions.filter((v) => v.model === model && v.version === version).map((v) => ({ worker: w, v })));
  const loaded = on.filter((x) => x.v.state === 'loaded');
  if (loaded.length > 0) return { state: 'READY', reason: '' };
  const loading = on.filter((x) => x.v.state === 'loading');
  if (loading.length > 0) return { state: 'LOADING', reason: `loading on ${names(loading.map((x) => x.worker))}` };
  const failed = on.filter((x) => x.v.state === 'failed').sort((a, b) => (b.v.errorUnixMs ?? 0) - (a.v.errorUnixMs ?? 0))[0];
  if (failed) return { state: 'UNAVAILABLE', reason: `load failed on worker ${failed.worker.workerId} (pool ${failed.worker.pool}): ${failed.v.error ?? 'unknown error'}` };
  if (on.length > 0) {
    return { state: 'UNAVAILABLE', reason: `not loaded: served by ${names(on.map((x) => x.worker))}; it loads on its next request or on RepositoryModelLoad` };
  }
  return { state: 'UNAVAILABLE', reason: 'no live worker serves this version (see MAAS_WORKER_MODELS of the worker pools)' };
}

function names(workers: readonly WorkerResidency[]): string {
  const pools = [...new Set(workers.map((w) => w.pool))].sort();
  return `${workers.length} worker${workers.length === 1 ? '' : 's'} of pool${pools.length === 1 ? '' : 's'} ${pools.join(', ')}`;
}

/**
 * The gateway's view of the workers' residency records in Redis, and the pub/sub channel on which it
 * asks them to load or unload a version. Reading costs two commands (live ids from the index, then MGET).
 */
export class ResidencyView {
  constructor(private readonly redis: Redis) {}

  /** Every live worker's record. UNAVAILABLE when Redis cannot be read. */
  async workers(now = Date.now()): Promise<WorkerResidency[]> {
    try {
      const ids = await this.redis.zrangebyscore(keys.residencyIndex(), now, '+inf');
      if (ids.length === 0) return [];
      const texts = await this.redis.mget(ids.map((id) => keys.residency(id)));
      return texts.map(parseResidency).filter((r): r is WorkerResidency => r !== undefined && r.expiresUnixMs > now);
    } catch (err) {
      throw new UnavailableError(`cannot read worker residency from Redis: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Asks every worker serving the version to load or unload it; returns how many workers heard it. */
  async command(op: 'load' | 'unload', model: string, version: number): Promise<number> {
    try {
      return await this.redis.publish(keys.workerControl(), JSON.stringify({ op, model, version }));
    } catch (err) {
      throw new UnavailableError(`cannot reach the workers' control channel in Redis: ${(err as Error).message}`, { cause: err });
    }
  }
}
