import * as grpc from '@grpc/grpc-js';
import { callUnary, createClient, deadlineIn, PLAINTEXT, type ClientTransport } from '@maas/grpc-kit';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type GRPCInferenceServiceClient, type InferenceProtoGrpcType } from '@maas/protos';

/** Default gateway gRPC address; $MAAS_GATEWAY_ADDRESS overrides it. */
export const DEFAULT_GATEWAY_ADDRESS = process.env['MAAS_GATEWAY_ADDRESS'] ?? '127.0.0.1:8001';

/** One output of a ModelInfer response with its raw bytes. */
export interface RawOutput {
  name: string;
  datatype: string;
  shape: number[];
  data: Buffer;
}

/** A ModelInfer call over the Open Inference Protocol, carrying an optional API key. */
export class GatewayConnection {
  private readonly client: GRPCInferenceServiceClient;

  constructor(address: string, private readonly apiKey: string | undefined, transport: ClientTransport = PLAINTEXT) {
    const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
    this.client = createClient(grpcObject.inference.GRPCInferenceService, address, { transport });
  }

  private metadata(): grpc.Metadata {
    const m = new grpc.Metadata();
    if (this.apiKey) m.set('authorization', `Bearer ${this.apiKey}`);
    return m;
  }

  /** Sends inputs as raw_input_contents and returns the outputs with their bytes. */
  async infer(
    model: string,
    version: string,
    inputs: ReadonlyArray<{ name: string; datatype: string; shape: number[]; data: Buffer }>,
    timeoutMs: number,
  ): Promise<{ model_name: string; model_version: string; outputs: RawOutput[] }> {
    const res = await callUnary<object, { model_name: string; model_version: string; outputs: Array<{ name: string; datatype: string; shape: number[] }>; raw_output_contents: Buffer[] }>(
      this.client.ModelInfer.bind(this.client) as never,
      {
        model_name: model,
        model_version: version,
        inputs: inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
        raw_input_contents: inputs.map((i) => i.data),
      },
      { deadline: deadlineIn(timeoutMs) },
      this.metadata(),
    );
    return { model_name: res.model_name, model_version: res.model_version, outputs: res.outputs.map((o, i) => ({ ...o, data: res.raw_output_contents[i] ?? Buffer.alloc(0) })) };
  }

  close(): void {
    this.client.close();
  }
}
