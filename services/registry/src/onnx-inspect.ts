import { InvalidArgumentError } from '@maas/errors';
import type { TensorSpec__Output } from '@maas/protos';
import { datatypeFromOnnx } from '@maas/tensor';
import { InferenceSession } from 'onnxruntime-node';

/** What the registry reads from a model file: its tensors and whether dim 0 is a batch dimension. */
export interface OnnxSignature {
  inputs: TensorSpec__Output[];
  outputs: TensorSpec__Output[];
  batchDim: boolean;
}

type ValueMetadata = InferenceSession.ValueMetadata;

/** ORT reports a dynamic dim as its symbolic name (a string, "" when unnamed) or a negative number. */
function toDim(dim: number | string): number {
  return typeof dim === 'number' && dim >= 0 ? dim : -1;
}

function toSpec(meta: ValueMetadata, role: 'input' | 'output'): TensorSpec__Output {
  if (!meta.isTensor) {
    throw new InvalidArgumentError(`model ${role} ${JSON.stringify(meta.name)} is not a tensor (sequences and maps are not served)`);
  }
  const datatype = datatypeFromOnnx(meta.type);
  if (!datatype) throw new InvalidArgumentError(`model ${role} ${JSON.stringify(meta.name)} has element type ${meta.type}, which maas cannot serve`);
  return { name: meta.name, datatype, shape: meta.shape.map(toDim) };
}

/** Dim 0 is a batch dimension when every input and output has rank ≥ 1 and a dynamic first dim. */
export function hasBatchDim(inputs: readonly TensorSpec__Output[], outputs: readonly TensorSpec__Output[]): boolean {
  const all = [...inputs, ...outputs];
  return all.length > 0 && all.every((t) => t.shape.length >= 1 && t.shape[0] === -1);
}

/**
 * Loads a model with onnxruntime-node (the same library the workers use, so "loads here" means "loads
 * there") and reads its signature. Anything ORT refuses is INVALID_ARGUMENT with ORT's reason.
 */
export async function inspectOnnx(modelFile: string): Promise<OnnxSignature> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(modelFile, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    // ORT names the file; the temp path means nothing to the uploader.
    const reason = (err as Error).message.split(modelFile).join('model.onnx');
    throw new InvalidArgumentError(`model.onnx is not a loadable ONNX model: ${reason}`, { cause: err });
  }
  try {
    const inputs = session.inputMetadata.map((m) => toSpec(m, 'input'));
    const outputs = session.outputMetadata.map((m) => toSpec(m, 'output'));
    return { inputs, outputs, batchDim: hasBatchDim(inputs, outputs) };
  } finally {
    await session.release();
  }
}
