import { FailedPreconditionError, InvalidArgumentError, MaasError, UnavailableError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { loadPipeline, referencedFiles, validatePipelineSpec, type Pipeline } from '@maas/pipeline';
import type { PipelineRef__Output } from '@maas/protos';
import type { PreprocessMetrics } from './metrics';
import type { RegistryClient } from '@maas/registry-client';

/** Watch events after which a cached pipeline of that model (version) is stale. */
const INVALIDATING_EVENTS = new Set(['CONFIG_CHANGED', 'VERSION_REMOVED', 'MODEL_DELETED']);

/** A pipeline and the model label its metrics carry. */
export interface ResolvedPipeline {
  pipeline: Pipeline;
  /** Registry model name, or "inline" for an inline spec (keeps the metric labels bounded). */
  modelLabel: string;
}

/**
 * Finds the pipeline a request names. An inline spec is validated and loaded per call (tests and tools); a
 * registry model version is fetched once (config.pipeline_json and the side files it names), cached (LRU), and
 * evicted when the registry's change feed reports a config change or removal. Concurrent misses share one load.
 */
export class PipelineSource {
  private readonly cache = new Map<string, Promise<Pipeline>>();
  private watchTimer: NodeJS.Timeout | undefined;
  private cancelWatch: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly registry: RegistryClient | undefined,
    private readonly options: { cacheSize: number; watchRetryMs: number; logger: Logger; metrics: PreprocessMetrics },
  ) {}

  /** Resolves a request's PipelineRef. */
  async resolve(ref: PipelineRef__Output | null | undefined): Promise<ResolvedPipeline> {
    if (!ref) throw new InvalidArgumentError('pipeline: required (model + version, or spec_json)');
    if (ref.spec_json !== '') {
      return { pipeline: loadPipeline(ref.spec_json, new Map(Object.entries(ref.files))), modelLabel: 'inline' };
    }
    if (ref.model === '' || !(ref.version > 0)) {
      throw new InvalidArgumentError(`pipeline: expected a model and a version > 0 (or spec_json), got model '${ref.model}' version ${ref.version}`);
    }
    return { pipeline: await this.cached(ref.model, ref.version), modelLabel: ref.model };
  }

  private cached(model: string, version: number): Promise<Pipeline> {
    const key = `${model}@${version}`;
    let entry = this.cache.get(key);
    if (entry !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, entry); // most recently used last
      return entry;
    }
    entry = this.load(model, version);
    this.cache.set(key, entry);
    entry.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    while (this.cache.size > this.options.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return entry;
  }

  private async load(model: string, version: number): Promise<Pipeline> {
    const { metrics, logger } = this.options;
    if (this.registry === undefined) throw new UnavailableError('no registry configured (MAAS_STATIC_PEERS has no maas-registry): send spec_json inline');
    try {
      const info = await this.registry.getVersion(model, version);
      const json = info.config?.pipeline_json ?? '';
      if (json === '') throw new FailedPreconditionError(`model '${model}' version ${version} declares no pipeline (config.pipeline_json is empty)`);
      let spec;
      try {
        spec = validatePipelineSpec(json);
      } catch (err) {
        // The registry validates at upload; a stored spec this version cannot read is the version's fault, not the caller's.
        throw new FailedPreconditionError(`model '${model}' version ${version}: ${(err as Error).message}`, { cause: err });
      }
      const { required, optional } = referencedFiles(spec);
      const bundle = new Set(info.files.map((f) => f.path));
      const names = [...required, ...optional.filter((f) => bundle.has(f))];
      const files = new Map(await Promise.all(names.map(async (name) => [name, await this.registry!.downloadFile(model, version, name)] as const)));
      const pipeline = loadPipeline(spec, files);
      metrics.pipelineLoads.inc({ outcome: 'ok' });
      logger.info({ model, version, input: spec.input.kind, files: names }, 'pipeline loaded');
      return pipeline;
    } catch (err) {
      metrics.pipelineLoads.inc({ outcome: 'error' });
      if (err instanceof InvalidArgumentError) throw new FailedPreconditionError(`model '${model}' version ${version}: ${err.message}`, { cause: err });
      if (err instanceof MaasError) throw err;
      throw new UnavailableError(`cannot load the pipeline of '${model}' version ${version}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Drops cached pipelines of a model (one version, or all with version 0). */
  evict(model: string, version = 0): void {
    for (const key of [...this.cache.keys()]) {
      if (key === `${model}@${version}` || (version === 0 && key.startsWith(`${model}@`))) this.cache.delete(key);
    }
  }

  /** Number of cached pipelines (tests, logs). */
  get size(): number {
    return this.cache.size;
  }

  /**
   * Follows the registry's change feed and evicts what it invalidates. When the feed breaks, everything is
   * evicted (events may have been missed) and the feed re-opens after watchRetryMs.
   */
  startWatch(): void {
    if (this.registry === undefined || this.closed) return;
    const open = (): void => {
      this.watchTimer = undefined;
      if (this.closed || this.registry === undefined) return;
      let stream;
      try {
        stream = this.registry.watch();
      } catch {
        this.watchTimer = setTimeout(open, this.options.watchRetryMs);
        return;
      }
      this.cancelWatch = () => stream.cancel();
      stream.on('data', (event: { kind: string; model: string; version: number }) => {
        if (INVALIDATING_EVENTS.has(event.kind)) this.evict(event.model, event.kind === 'MODEL_DELETED' ? 0 : Number(event.version));
      });
      const reopen = (): void => {
        if (this.closed || this.watchTimer !== undefined) return;
        this.cache.clear();
        this.watchTimer = setTimeout(open, this.options.watchRetryMs);
      };
      stream.on('error', (err: Error) => {
        this.options.logger.debug({ err: err.message }, 'registry change feed broke; re-opening');
        reopen();
      });
      stream.on('end', reopen);
    };
    open();
  }

  /** Stops the change feed. */
  close(): void {
    this.closed = true;
    if (this.watchTimer !== undefined) clearTimeout(this.watchTimer);
    this.cancelWatch?.();
  }
}
