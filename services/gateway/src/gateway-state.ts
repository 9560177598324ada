import type { InstanceProvider } from '@maas/discovery';
import { NotFoundError } from '@maas/errors';
import type { RegistryModelVersion } from '@maas/protos';
import type { InferenceService } from './infer';
import type { PreprocessPipeline } from './pipeline-client';
import { parseVersionSelector, type ModelCatalog } from './model-catalog';
import type { RegistryClient } from '@maas/registry-client';
import type { ModelRepository } from './model-repository';
import type { StatisticsStore, VersionStatistics } from './statistics';

/** Server metadata: name, version and the protocol extensions maas implements. */
export const SERVER_METADATA = {
  name: 'maas',
  version: '0.1.0',
  extensions: ['model_repository', 'schedule_policy', 'model_configuration', 'statistics', 'binary_tensor_data', 'parameters'],
};

/** Everything the protocol front ends (gRPC and HTTP) ask of the gateway beyond inference itself. */
export class GatewayState {
  constructor(
    readonly inference: InferenceService,
    private readonly catalog: ModelCatalog,
    private readonly registry: RegistryClient,
    private readonly workers: InstanceProvider,
    private readonly stats: StatisticsStore,
    private readonly repository: ModelRepository,
    readonly defaultTimeoutMs: number,
    private readonly redisReady: () => boolean,
    private readonly pipeline: PreprocessPipeline,
  ) {}

  /** Ready when Redis is connected and the registry and at least one worker are discoverable. */
  isReady(): boolean {
    return this.redisReady() && this.registry.balancer.size() > 0 && this.workers.instances().length > 0;
  }

  serverMetadata(): typeof SERVER_METADATA {
    return SERVER_METADATA;
  }

  /** A version's metadata (default, explicit or alias) plus the model's list of versions. */
  async describe(model: string, selector: string): Promise<{ version: RegistryModelVersion; allVersions: number[] }> {
    const resolved = await this.catalog.resolve(model, selector);
    const first = resolved.targets[0]!.version;
    const info = await this.registry.getModel(model);
    if (!first.config?.pipeline_json) return { version: first, allVersions: info.versions };
    // A pipelined version shows clients what they send (raw items) and get (answers), not the tensors.
    const shape = await this.pipeline.describe(first);
    const outputs = shape.outputs.length > 0 ? shape.outputs : first.outputs;
    return { version: { ...first, inputs: shape.inputs, outputs }, allVersions: info.versions };
  }

  /**
   * Ready = the version resolves and a live worker holds it loaded (every target of a canary split, since a
   * request may go to either); an unknown model is simply not ready.
   */
  async modelReady(model: string, selector: string): Promise<boolean> {
    let resolved;
    try {
      resolved = await this.catalog.resolve(model, selector);
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
    return this.repository.ready(resolved.model, resolved.targets.map((t) => t.version.version));
  }

  /**
   * Triton's ModelStatistics, summed over every worker and gateway: `model` "" = every model; selector ""
   * = every version of it, a number = that version, an alias = its targets. An unknown model or version
   * is NOT_FOUND.
   */
  async statistics(model: string, selector: string) {
    const versions: Array<{ model: string; version: number }> = [];
    if (model === '') {
      for (const m of await this.registry.listModels()) for (const v of m.versions) versions.push({ model: m.name, version: v });
    } else {
      const info = await this.registry.getModel(model);
      const { version, alias } = parseVersionSelector(selector);
      if (alias !== '') {
        for (const t of (await this.catalog.resolve(model, selector)).targets) versions.push({ model, version: t.version.version });
      } else if (version !== 0) {
        if (!info.versions.includes(version)) throw new NotFoundError(`model "${model}" has no version ${version} (it has ${info.versions.join(', ') || 'none'})`);
        versions.push({ model, version });
      } else {
        for (const v of info.versions) versions.push({ model, version: v });
      }
    }
    const stats = await this.stats.read(versions);
    return { model_stats: stats.map(toProtocolStatistics) };
  }

  /** RepositoryIndex: every version in the registry with READY / LOADING / UNAVAILABLE (and why) from the workers. */
  repositoryIndex(readyOnly: boolean) {
    return this.repository.index(readyOnly);
  }

  /** RepositoryModelLoad: the model's served versions resident on their workers, or the load error. */
  async loadModel(model: string, deadlineUnixMs: number): Promise<void> {
    this.catalog.invalidate(model);
    await this.repository.load(model, deadlineUnixMs);
  }

  /** RepositoryModelUnload: evicted from every worker; the next request loads them again on demand. */
  async unloadModel(model: string, deadlineUnixMs: number): Promise<void> {
    this.catalog.invalidate(model);
    await this.repository.unload(model, deadlineUnixMs);
  }
}

/** A VersionStatistics in the protocol's ModelStatistics shape. */
function toProtocolStatistics(s: VersionStatistics) {
  return {
    name: s.model,
    version: String(s.version),
    last_inference: s.lastInferenceUnixMs,
    inference_count: s.inferenceCount,
    execution_count: s.executionCount,
    inference_stats: {
      success: s.success, fail: s.fail, queue: s.queue,
      compute_input: s.computeInput, compute_infer: s.computeInfer, compute_output: s.computeOutput,
      cache_hit: { count: 0, ns: 0 }, cache_miss: { count: 0, ns: 0 },
    },
    batch_stats: [...s.batchSizes.entries()].map(([size, b]) => ({
      batch_size: size,
      compute_input: { count: b.count, ns: b.computeInputNs },
      compute_infer: { count: b.count, ns: b.computeInferNs },
      compute_output: { count: b.count, ns: b.computeOutputNs },
    })),
  };
}
