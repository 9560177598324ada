import { InvalidArgumentError } from '@maas/errors';
import type { VersionConfig, VersionConfig__Output } from '@maas/protos';
import { validatePipelineSpec } from './pipeline-spec';

/** Execution providers a version may ask for (onnxruntime names); typos fail at upload, not on a worker. */
export const EXECUTION_PROVIDERS: readonly string[] = ['cpu', 'cuda', 'tensorrt', 'rocm', 'migraphx', 'dml', 'coreml', 'openvino', 'xnnpack', 'webgpu'];
/** graph_optimization_level values ("" = the default, all). */
export const GRAPH_OPTIMIZATION_LEVELS: readonly string[] = ['', 'disabled', 'basic', 'extended', 'all'];

const MAX_QUEUE_DELAY_US = 60_000_000;
const MAX_THREADS = 1024;
const MAX_LABELS = 1_000_000;

/** Fills every field of a VersionConfig (as it arrives from the wire, or from a JSON file) with its default. */
export function normalizeVersionConfig(config: VersionConfig | VersionConfig__Output | null | undefined): VersionConfig__Output {
  const batching = config?.batching ?? undefined;
  const runtime = config?.runtime ?? undefined;
  return {
    batching: {
      max_batch_size: Number(batching?.max_batch_size ?? 0),
      dynamic_batching: Boolean(batching?.dynamic_batching ?? false),
      max_queue_delay_us: Number(batching?.max_queue_delay_us ?? 0),
      preferred_batch_sizes: (batching?.preferred_batch_sizes ?? []).map(Number),
    },
    runtime: {
      execution_providers: [...(runtime?.execution_providers ?? [])],
      intra_op_threads: Number(runtime?.intra_op_threads ?? 0),
      inter_op_threads: Number(runtime?.inter_op_threads ?? 0),
      graph_optimization_level: runtime?.graph_optimization_level ?? '',
    },
    pipeline_json: config?.pipeline_json ?? '',
    labels: [...(config?.labels ?? [])],
    max_queue_depth: Number(config?.max_queue_depth ?? 0),
  };
}

/**
 * Every problem with a version config. `batchDim` is whether the model's dim 0 is a dynamic batch dimension;
 * undefined skips the checks that need the model (before the artifact has arrived).
 */
export function versionConfigProblems(config: VersionConfig__Output, batchDim: boolean | undefined): string[] {
  const problems: string[] = [];
  const b = config.batching;
  const r = config.runtime;
  if (b) {
    if (b.max_batch_size > 0 && batchDim === false) {
      problems.push(`batching.max_batch_size ${b.max_batch_size} needs a model whose dim 0 is a dynamic batch dimension on every input and output; this model has none (use max_batch_size 0)`);
    }
    if (b.dynamic_batching && b.max_batch_size === 0) problems.push('batching.dynamic_batching needs batching.max_batch_size > 0');
    if (b.max_queue_delay_us > MAX_QUEUE_DELAY_US) problems.push(`batching.max_queue_delay_us ${b.max_queue_delay_us} is over the limit of ${MAX_QUEUE_DELAY_US} (60 s)`);
    for (const size of b.preferred_batch_sizes) {
      if (size < 1 || size > b.max_batch_size) problems.push(`batching.preferred_batch_sizes holds ${size}; each must be 1..max_batch_size (${b.max_batch_size})`);
    }
  }
  if (r) {
    for (const ep of r.execution_providers) {
      if (!EXECUTION_PROVIDERS.includes(ep)) problems.push(`runtime.execution_providers holds ${JSON.stringify(ep)}; expected one of ${EXECUTION_PROVIDERS.join(', ')}`);
    }
    if (r.intra_op_threads > MAX_THREADS) problems.push(`runtime.intra_op_threads ${r.intra_op_threads} is over ${MAX_THREADS}`);
    if (r.inter_op_threads > MAX_THREADS) problems.push(`runtime.inter_op_threads ${r.inter_op_threads} is over ${MAX_THREADS}`);
    if (!GRAPH_OPTIMIZATION_LEVELS.includes(r.graph_optimization_level)) {
      problems.push(`runtime.graph_optimization_level ${JSON.stringify(r.graph_optimization_level)} is not one of disabled, basic, extended, all`);
    }
  }
  if (config.pipeline_json !== '') {
    let spec: unknown;
    try {
      spec = JSON.parse(config.pipeline_json);
    } catch (err) {
      problems.push(`pipeline_json is not valid JSON: ${(err as Error).message}`);
    }
    if (spec !== undefined) problems.push(...validatePipelineSpec(spec));
  }
  if (config.labels.length > MAX_LABELS) problems.push(`labels holds ${config.labels.length} entries; at most ${MAX_LABELS}`);
  return problems;
}

/** Throws INVALID_ARGUMENT listing every problem, or returns when the config is valid. */
export function validateVersionConfig(config: VersionConfig__Output, batchDim: boolean | undefined): void {
  const problems = versionConfigProblems(config, batchDim);
  if (problems.length > 0) throw new InvalidArgumentError(`invalid version config: ${problems.join('; ')}`, { details: { problems } });
}
