import { DeadlineExceededError, UnavailableError } from '@maas/errors';
import { errorFromResult } from './infer';
import type { RegistryClient } from '@maas/registry-client';
import { versionState, type ResidencyView, type VersionState, type WorkerResidency } from './residency';

/** One row of RepositoryIndex. */
export interface IndexRow {
  name: string;
  version: string;
  state: VersionState;
  reason: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How often a load or unload re-reads the residency records while it waits. */
const POLL_MS = 50;

/**
 * Triton's model repository extension over the workers: RepositoryIndex states from their residency
 * records, and RepositoryModelLoad/Unload as commands to the workers that serve the model, answered once
 * the records show the outcome.
 */
export class ModelRepository {
  constructor(private readonly registry: RegistryClient, private readonly residency: ResidencyView) {}

  /** Every version of every model in the registry with its state over the live workers. */
  async index(readyOnly: boolean): Promise<IndexRow[]> {
    const [models, workers] = await Promise.all([this.registry.listModels(), this.residency.workers()]);
    const rows = models.flatMap((m) => m.versions.map((v) => ({ name: m.name, version: String(v), ...versionState(workers, m.name, v) })));
    return readyOnly ? rows.filter((r) => r.state === 'READY') : rows;
  }

  /** Whether every version in `versions` is held by a live worker. */
  async ready(model: string, versions: readonly number[]): Promise<boolean> {
    const workers = await this.residency.workers();
    return versions.length > 0 && versions.every((v) => versionState(workers, model, v).state === 'READY');
  }

  /**
   * Makes every version of `model` that live workers serve resident on them; resolves when each is held
   * by at least one worker. Fails with the workers' load error when every worker serving a version failed
   * to load it, UNAVAILABLE when no live worker serves the model, DEADLINE_EXCEEDED at the deadline.
   */
  async load(model: string, deadlineUnixMs: number): Promise<void> {
    await this.registry.getModel(model); // NOT_FOUND for a model the registry does not know
    const startedMs = Date.now();
    const versions = servedVersions(await this.residency.workers(), model);
    if (versions.length === 0) throw new UnavailableError(`no live worker serves model "${model}": start a worker pool whose MAAS_WORKER_MODELS includes it`);
    let heard = 0;
    for (const v of versions) heard += await this.residency.command('load', model, v);
    // Records say workers serve it, yet none listens (a record outliving its worker, or another Redis): do not wait out the deadline.
    if (heard === 0) throw new UnavailableError(`no worker is subscribed to the control channel to load model "${model}"; the workers serving it may have just stopped`);
    for (;;) {
      const workers = await this.residency.workers();
      let pending = 0;
      for (const v of versions) {
        const serving = workers.flatMap((w) => w.versions.filter((x) => x.model === model && x.version === v).map((x) => ({ w, x })));
        if (serving.some(({ x }) => x.state === 'loaded')) continue;
        const failedNow = serving.filter(({ x }) => x.state === 'failed' && (x.errorUnixMs ?? 0) >= startedMs);
        if (serving.length > 0 && failedNow.length === serving.length) {
          const { w, x } = failedNow[0]!;
          throw errorFromResult(x.errorCode ?? 14, `model ${model} v${v} could not be loaded on worker ${w.workerId} (pool ${w.pool}): ${x.error ?? 'unknown error'}`);
        }
        if (serving.length === 0) throw new UnavailableError(`model ${model} v${v}: the workers serving it went away while it was loading`);
        pending += 1;
      }
      if (pending === 0) return;
      if (Date.now() + POLL_MS > deadlineUnixMs) throw new DeadlineExceededError(`model ${model}: ${pending} version(s) not loaded by the deadline (a worker may still be loading it; see RepositoryIndex)`);
      await sleep(POLL_MS);
    }
  }

  /**
   * Evicts every version of `model` from the workers holding it; resolves once no live worker has it
   * loaded. The versions stay served: the next request loads them again on demand.
   */
  async unload(model: string, deadlineUnixMs: number): Promise<void> {
    await this.registry.getModel(model);
    const versions = servedVersions(await this.residency.workers(), model);
    for (const v of versions) await this.residency.command('unload', model, v);
    for (;;) {
      const workers = await this.residency.workers();
      const still = versions.filter((v) => workers.some((w) => w.versions.some((x) => x.model === model && x.version === v && (x.state === 'loaded' || x.state === 'loading'))));
      if (still.length === 0) return;
      if (Date.now() + POLL_MS > deadlineUnixMs) throw new DeadlineExceededError(`model ${model}: version(s) ${still.join(', ')} still loaded at the deadline (a request in flight holds the session; it is unloaded when that ends)`);
      await sleep(POLL_MS);
    }
  }
}

/** Versions of `model` that appear in any live worker's record, in order. */
function servedVersions(workers: readonly WorkerResidency[], model: string): number[] {
  return [...new Set(workers.flatMap((w) => w.versions.filter((v) => v.model === model).map((v) => v.version)))].sort((a, b) => a - b);
}
