import type { CallOptions } from './inference-client';
import { fromWireParameters, toWireParameters, type ParameterValue, type WireParameter } from './parameters';
import { decodeOutputs, encodeInputs, type InferInputs, type OutputTensor, type WireOutputs } from './tensors';

/** Options of one inference. */
export interface InferOptions extends CallOptions {
  /** Version number or alias (maas: production, staging, ...); '' or unset = the server's default. */
  version?: string;
  /** Request id, echoed in the response (and in the server's logs). */
  id?: string;
  /** Names of the outputs to return; all when unset. */
  outputs?: readonly string[];
  /** Request parameters (InferParameter values). */
  parameters?: Readonly<Record<string, ParameterValue>>;
}

/** The answer to one inference. */
export interface InferResult {
  modelName: string;
  modelVersion: string;
  id: string;
  /** Outputs by tensor name. */
  outputs: Record<string, OutputTensor>;
  parameters: Record<string, ParameterValue>;
}

/** A ModelInferResponse as grpc-js decodes it with the shared loader options. */
export interface WireInferResponse extends WireOutputs {
  model_name: string;
  model_version: string;
  id: string;
  parameters?: Record<string, WireParameter>;
}

/** Builds a ModelInferRequest (inputs as raw_input_contents). Throws InvalidArgumentError on a bad input. */
export function buildInferRequest(model: string, inputs: InferInputs, options: InferOptions): object {
  const wire = encodeInputs(inputs);
  return {
    model_name: model,
    model_version: options.version ?? '',
    id: options.id ?? '',
    parameters: toWireParameters(options.parameters),
    inputs: wire.inputs,
    outputs: (options.outputs ?? []).map((name) => ({ name })),
    raw_input_contents: wire.raw_input_contents,
  };
}

/** Turns a ModelInferResponse into an InferResult. */
export function inferResultOf(res: WireInferResponse): InferResult {
  return { modelName: res.model_name, modelVersion: res.model_version, id: res.id, outputs: decodeOutputs(res), parameters: fromWireParameters(res.parameters) };
}
