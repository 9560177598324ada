import type { InstanceProvider } from '@maas/discovery';
import { NotFoundError } from '@maas/errors';
import type { RegistryModelVersion } from '@maas/protos';
import type { InferenceService } from './infer';
import type { PreprocessPipeline } from './pipeline-client';
import { parseVersionSelector, type ModelCatalog } from './model-catalog';
import type { RegistryClient } from '@maas/registry-client';
import type { StatisticsStore } from './statistics';

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

  /** Ready = the version resolves and a worker is there to serve it; unknown models are simply not ready. */
  async modelReady(model: string, selector: string): Promise<boolean> {
    try {
      await this.catalog.resolve(model, selector);
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
    return this.workers.instances().length > 0;
  }

  /** Triton's ModelStatistics for this gateway instance. */
  statistics(model: string, selector: string) {
    const { version } = parseVersionSelector(selector);
    const d = (c: { count: number; ns: number }) => ({ count: c.count, ns: c.ns });
    const zero = { count: 0, ns: 0 };
    return {
      model_stats: this.stats.list(model, version).map((s) => ({
        name: s.model,
        version: String(s.version),
        last_inference: s.lastInferenceUnixMs,
        inference_count: s.inferenceCount,
        execution_count: s.executionCount,
        // Input/output copies happen inside the worker's compute time; their counts must equal compute_infer's
        // (perf_analyzer checks that the three compute counts agree).
        inference_stats: {
          success: d(s.success), fail: d(s.fail), queue: d(s.queue),
          compute_input: { count: s.computeInfer.count, ns: 0 }, compute_infer: d(s.computeInfer), compute_output: { count: s.computeInfer.count, ns: 0 },
          cache_hit: zero, cache_miss: zero,
        },
        batch_stats: [...s.batchSizes.entries()].map(([size, b]) => ({
          batch_size: size,
          compute_input: { count: b.count, ns: 0 },
          compute_infer: { count: b.count, ns: b.computeNs },
          compute_output: { count: b.count, ns: 0 },
        })),
      })),
    };
  }

  /** RepositoryIndex: every model in the registry with its versions. */
  async repositoryIndex(readyOnly: boolean) {
    const models = await this.registry.listModels();
    const hasWorkers = this.workers.instances().length > 0;
    const rows = models.flatMap((m) =>
      m.versions.map((v) => ({ name: m.name, version: String(v), state: hasWorkers ? 'READY' : 'UNAVAILABLE', reason: hasWorkers ? '' : 'no healthy worker' })),
    );
    return readyOnly ? rows.filter((r) => r.state === 'READY') : rows;
  }

  /** RepositoryModelLoad: the model must exist in the registry; workers load it on first demand. */
  async loadModel(model: string): Promise<void> {
    this.catalog.invalidate(model);
    await this.catalog.resolve(model, '');
  }

  /** RepositoryModelUnload: forgets the gateway's cached resolution; worker caches unload idle models themselves. */
  async unloadModel(model: string): Promise<void> {
    await this.registry.getModel(model);
    this.catalog.invalidate(model);
  }
}
