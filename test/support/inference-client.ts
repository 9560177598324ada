import * as grpc from '@grpc/grpc-js';
import { callUnary, createClient, deadlineIn } from '@maas/grpc-kit';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type GRPCInferenceServiceClient, type InferenceProtoGrpcType } from '@maas/protos';

/** An Open Inference Protocol gRPC client for tests. */
export function inferenceClient(address: string): GRPCInferenceServiceClient {
  const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  return createClient(grpcObject.inference.GRPCInferenceService, address);
}

/** A decoded ModelInfer response output. */
export interface InferOutput {
  name: string;
  datatype: string;
  shape: number[];
  data: Buffer;
}

/** Calls ModelInfer with raw FP32 inputs; resolves with outputs, or rejects with the gRPC error. */
export async function inferFp32(
  client: GRPCInferenceServiceClient,
  model: string,
  inputs: Array<{ name: string; shape: number[]; values: Float32Array }>,
  options: { version?: string; timeoutMs?: number; metadata?: grpc.Metadata } = {},
): Promise<{ model_version: string; outputs: InferOutput[]; parameters: Record<string, { string_param?: string }> }> {
  const res = await callUnary<object, { model_version: string; outputs: Array<{ name: string; datatype: string; shape: number[] }>; raw_output_contents: Buffer[]; parameters: Record<string, { string_param?: string }> }>(
    client.ModelInfer.bind(client) as never,
    {
      model_name: model,
      model_version: options.version ?? '',
      inputs: inputs.map((i) => ({ name: i.name, datatype: 'FP32', shape: i.shape })),
      raw_input_contents: inputs.map((i) => Buffer.from(i.values.buffer, i.values.byteOffset, i.values.byteLength)),
    },
    { deadline: deadlineIn(options.timeoutMs ?? 10_000) },
    options.metadata ?? new grpc.Metadata(),
  );
  return {
    model_version: res.model_version,
    parameters: res.parameters,
    outputs: res.outputs.map((o, i) => ({ ...o, data: res.raw_output_contents[i]! })),
  };
}

/** Float32 view of an output's raw bytes (copied, so alignment never matters). */
export function asFloat32(data: Buffer): Float32Array {
  const copy = new Uint8Array(data);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}
