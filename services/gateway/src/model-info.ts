import type { ModelConfig, RegistryModelVersion } from '@maas/protos';
import { DATATYPE_INFO, isDatatype } from '@maas/tensor';

/** ModelMetadata (protocol) for a version: platform, every version of the model, inputs and outputs. */
export function modelMetadata(version: RegistryModelVersion, allVersions: readonly number[]) {
  return {
    name: version.model,
    versions: allVersions.map(String),
    platform: 'onnxruntime_onnx',
    inputs: version.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape })),
    outputs: version.outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape })),
  };
}

const configType = (datatype: string): NonNullable<ModelConfig['input']>[number]['data_type'] & string => (isDatatype(datatype) ? DATATYPE_INFO[datatype].configType : 'TYPE_INVALID') as NonNullable<ModelConfig['input']>[number]['data_type'] & string;

/**
 * Triton's ModelConfig for a version, so perf_analyzer and tritonclient see the batching contract: with a
 * batch dimension, max_batch_size > 0 and dims exclude dim 0 (Triton's convention).
 */
export function modelConfig(version: RegistryModelVersion): ModelConfig & { max_batch_size: number; input: Array<{ name: string; data_type: string; dims: number[] }> } {
  const batching = version.config?.batching;
  const maxBatch = version.batch_dim ? batching?.max_batch_size ?? 0 : 0;
  const dims = (shape: readonly number[]): number[] => (maxBatch > 0 ? shape.slice(1) : [...shape]);
  return {
    name: version.model,
    platform: 'onnxruntime_onnx',
    backend: 'onnxruntime',
    max_batch_size: maxBatch,
    input: version.inputs.map((t) => ({ name: t.name, data_type: configType(t.datatype), dims: dims(t.shape) })),
    output: version.outputs.map((t) => ({ name: t.name, data_type: configType(t.datatype), dims: dims(t.shape) })),
    ...(batching?.dynamic_batching
      ? { dynamic_batching: { preferred_batch_size: batching.preferred_batch_sizes, max_queue_delay_microseconds: batching.max_queue_delay_us } }
      : {}),
    parameters: version.config?.pipeline_json ? { pipeline: { string_value: version.config.pipeline_json } } : {},
  };
}
