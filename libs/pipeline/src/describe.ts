import type { Tensor } from '@maas/tensor';
import type { DroppedItem } from './tabular/tabular-pipeline';
import type { ItemResult } from './post/post-pipeline';
import type { PipelineSpec, PreStep } from './spec';

/** A tensor as ModelMetadata shows it: KServe datatype and shape with -1 for dynamic dims. */
export interface TensorDescription {
  name: string;
  datatype: string;
  shape: number[];
}

/**
 * What a client of a pipelined model sees and what the model gets: `inputs` are the raw inputs (one BYTES
 * tensor, one element per item: encoded image, UTF-8 text, or a JSON object per row), `modelInputs` the
 * tensors preprocess emits, and `outputs` the answers postprocess gives (empty: the model's own outputs).
 */
export interface PipelineDescription {
  inputs: TensorDescription[];
  modelInputs: TensorDescription[];
  outputs: TensorDescription[];
}

function imageModelInput(steps: PreStep[]): TensorDescription[] {
  let channels = 3;
  let width = -1;
  let height = -1;
  for (const step of steps) {
    if (step.op === 'decode') channels = step.color === 'GRAY' ? 1 : 3;
    if (step.op === 'resize') {
      // keepAspect fixes one side; the other follows each image.
      width = step.keepAspect && step.height !== undefined ? -1 : (step.width ?? -1);
      height = step.keepAspect && step.width !== undefined ? -1 : (step.height ?? -1);
    }
    if (step.op === 'crop') [width, height] = [step.width, step.height];
    if (step.op === 'pad') {
      width = typeof step.width === 'number' ? step.width : step.width === 'batch_max' ? -1 : width;
      height = step.height ?? height;
    }
    if (step.op === 'to_tensor' && 'layout' in step) {
      const shape = step.layout === 'HWC' ? [-1, height, width, channels] : [-1, channels, height, width];
      return [{ name: step.name, datatype: step.dtype ?? 'FP32', shape }];
    }
  }
  return [];
}

function tabularModelInput(steps: PreStep[]): TensorDescription[] {
  let features = 0;
  for (const step of steps) {
    if (step.op === 'select') features = step.columns.length;
    if (step.op === 'one_hot') features += step.categories.length - 1;
    if (step.op === 'to_tensor') return [{ name: step.name, datatype: step.dtype ?? 'FP32', shape: [-1, features] }];
  }
  return [];
}

/** Describes a validated spec's raw inputs, model inputs and final outputs (for ModelMetadata). */
export function describePipeline(spec: PipelineSpec): PipelineDescription {
  const inputs = [{ name: spec.input.name, datatype: 'BYTES', shape: [-1] }];
  let modelInputs: TensorDescription[] = [];
  if (spec.input.kind === 'image') modelInputs = imageModelInput(spec.preprocess);
  if (spec.input.kind === 'row') modelInputs = tabularModelInput(spec.preprocess);
  for (const step of spec.preprocess) {
    if (step.op !== 'tokenize') continue;
    const shape = [-1, step.padding === 'longest' ? -1 : step.maxLength];
    const dt = step.dtype ?? 'INT64';
    const names = [step.outputs?.ids ?? 'input_ids', step.outputs?.attentionMask, step.outputs?.tokenTypeIds];
    const defaults = [undefined, 'attention_mask', 'token_type_ids'];
    modelInputs = names.flatMap((n, i) => (n === null ? [] : [{ name: n ?? defaults[i] ?? 'input_ids', datatype: dt, shape }]));
  }
  const outputs: TensorDescription[] = [];
  for (const step of spec.postprocess) {
    if (step.op === 'top_k') {
      outputs.push({ name: 'label', datatype: 'BYTES', shape: [-1] }, { name: 'score', datatype: 'FP32', shape: [-1] }, { name: 'class_index', datatype: 'INT64', shape: [-1] });
      if ((step.k ?? 1) > 1) outputs.push({ name: 'top_k_labels', datatype: 'BYTES', shape: [-1, step.k ?? 1] }, { name: 'top_k_scores', datatype: 'FP32', shape: [-1, step.k ?? 1] });
    }
    if (step.op === 'ctc_decode') {
      outputs.push({ name: 'text', datatype: 'BYTES', shape: [-1] });
      if (!outputs.some((o) => o.name === 'score')) outputs.push({ name: 'score', datatype: 'FP32', shape: [-1] });
    }
  }
  const select = spec.preprocess.find((s) => s.op === 'select');
  if (outputs.length > 0 && select?.op === 'select' && select.onInvalid === 'drop') outputs.push({ name: 'error', datatype: 'BYTES', shape: [-1] });
  return { inputs, modelInputs, outputs };
}

/**
 * The answers as the output tensors describePipeline lists (one row per item, request order): what the gateway
 * returns in a ModelInfer response. A dropped row has label/text "", score 0, class_index -1 and its reason in
 * `error`.
 */
export function resultsToTensors(spec: PipelineSpec, results: readonly ItemResult[], dropped: readonly DroppedItem[] = []): Tensor[] {
  const n = results.length;
  const error = new Map(dropped.map((d) => [d.item, d.message]));
  return describePipeline(spec).outputs.map((out): Tensor => {
    const k = out.shape[1] ?? 1;
    switch (out.name) {
      case 'label':
        return { ...out, shape: [n], datatype: 'BYTES', data: results.map((r) => r.label ?? '') };
      case 'text':
        return { ...out, shape: [n], datatype: 'BYTES', data: results.map((r) => r.text ?? '') };
      case 'score':
        return { ...out, shape: [n], datatype: 'FP32', data: Float32Array.from(results, (r) => r.score ?? 0) };
      case 'class_index':
        return { ...out, shape: [n], datatype: 'INT64', data: BigInt64Array.from(results, (r) => BigInt(r.classIndex ?? -1)) };
      case 'top_k_labels':
        return { ...out, shape: [n, k], datatype: 'BYTES', data: results.flatMap((r) => Array.from({ length: k }, (_, j) => r.topK?.[j]?.label ?? '')) };
      case 'top_k_scores':
        return { ...out, shape: [n, k], datatype: 'FP32', data: Float32Array.from(results.flatMap((r) => Array.from({ length: k }, (_, j) => r.topK?.[j]?.score ?? 0))) };
      default:
        return { ...out, shape: [n], datatype: 'BYTES', data: results.map((_, i) => error.get(i) ?? '') };
    }
  });
}
