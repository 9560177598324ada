import * as grpc from '@grpc/grpc-js';
import { withRetries } from '@maas/grpc-kit';
import {
  INFERENCE_PROTO_FILES,
  loadGrpcObject,
  type GRPCInferenceServiceClient,
  type InferenceProtoGrpcType,
  type ModelConfig,
  type ModelMetadataResponse,
  type ModelStatistics,
  type ServerMetadataResponse,
} from '@maas/protos';
import { compileClientOptions, type CompiledClientOptions, type InferenceClientOptions } from './client-options';
import { deadlinePassed, toClientError } from './client-errors';
import { noRetryForOversized, unwrapNotRetried } from './client-retry';
import { InferStream, type StreamOptions } from './infer-stream';
import { buildInferRequest, inferResultOf, type InferOptions, type InferResult, type WireInferResponse } from './infer-request';
import type { InferInputs } from './tensors';

/** Per-call options of every RPC. */
export interface CallOptions {
  /** Deadline of this call from now (default: the client's timeoutMs). Retries happen within it. */
  timeoutMs?: number;
  /** Absolute deadline; wins over timeoutMs. */
  deadline?: Date;
  /** Cancels the call (and any wait before a retry); the call rejects with a CancelledError. */
  signal?: AbortSignal;
  /** Extra metadata (headers) for this call. */
  metadata?: Record<string, string>;
}

type UnaryMethod = (req: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => grpc.ClientUnaryCall;

let inferenceService: InferenceProtoGrpcType['inference']['GRPCInferenceService'] | undefined;

/**
 * A client of one Open Inference Protocol (KServe v2) gRPC endpoint: a maas gateway, Triton, or any KServe v2
 * server. One channel per client; close() it when done.
 *
 *   const c = new InferenceClient({ address: 'host:8001' });
 *   const r = await c.infer('identity', { x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
 *   r.outputs.y.data // Float32Array
 */
export class InferenceClient {
  /** The options as compiled: defaults filled in. */
  readonly options: CompiledClientOptions;
  private readonly stub: GRPCInferenceServiceClient;

  constructor(options: InferenceClientOptions) {
    this.options = compileClientOptions(options);
    inferenceService ??= loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES).grpcObject.inference.GRPCInferenceService;
    this.stub = new inferenceService(this.options.address, this.options.credentials, this.options.channelOptions);
  }

  /** Runs one inference. Inputs are checked and sent as raw tensors; outputs come back as typed arrays by name. */
  async infer(model: string, inputs: InferInputs, options: InferOptions = {}): Promise<InferResult> {
    const res = await this.unary<WireInferResponse>('ModelInfer', buildInferRequest(model, inputs, options), options);
    return inferResultOf(res);
  }

  /** Opens a ModelStreamInfer stream: many inferences over one call, each answered as its result arrives. */
  openStream(options: StreamOptions = {}): InferStream {
    const metadata = this.metadataFor(options.metadata);
    const callOptions: grpc.CallOptions = options.timeoutMs !== undefined ? { deadline: new Date(Date.now() + options.timeoutMs) } : {};
    return new InferStream(this.stub.ModelStreamInfer(metadata, callOptions) as unknown as ConstructorParameters<typeof InferStream>[0], options.signal);
  }

  /** ServerLive: the server process is up. */
  async serverLive(options: CallOptions = {}): Promise<boolean> {
    return (await this.unary<{ live: boolean }>('ServerLive', {}, options)).live;
  }

  /** ServerReady: the server can take inferences (maas: registry and a worker discovered). */
  async serverReady(options: CallOptions = {}): Promise<boolean> {
    return (await this.unary<{ ready: boolean }>('ServerReady', {}, options)).ready;
  }

  /** ModelReady: the model (version '' = the default one) can take inferences. */
  async modelReady(model: string, version = '', options: CallOptions = {}): Promise<boolean> {
    return (await this.unary<{ ready: boolean }>('ModelReady', { name: model, version }, options)).ready;
  }

  /** ServerMetadata: name, version and protocol extensions. */
  serverMetadata(options: CallOptions = {}): Promise<ServerMetadataResponse> {
    return this.unary<ServerMetadataResponse>('ServerMetadata', {}, options);
  }

  /** ModelMetadata: versions, platform, and the inputs and outputs with their datatypes and shapes. */
  modelMetadata(model: string, version = '', options: CallOptions = {}): Promise<ModelMetadataResponse> {
    return this.unary<ModelMetadataResponse>('ModelMetadata', { name: model, version }, options);
  }

  /** ModelConfig (Triton extension): batching, inputs and outputs as a Triton model configuration. */
  async modelConfig(model: string, version = '', options: CallOptions = {}): Promise<ModelConfig> {
    return (await this.unary<{ config: ModelConfig }>('ModelConfig', { name: model, version }, options)).config;
  }

  /** ModelStatistics (Triton extension): counts and durations per model version; model '' = every model. */
  async modelStatistics(model = '', version = '', options: CallOptions = {}): Promise<ModelStatistics[]> {
    return (await this.unary<{ model_stats: ModelStatistics[] }>('ModelStatistics', { name: model, version }, options)).model_stats;
  }

  /** Closes the channel; calls in flight fail with CANCELLED. */
  close(): void {
    this.stub.close();
  }

  private metadataFor(extra: Record<string, string> | undefined): grpc.Metadata {
    const m = new grpc.Metadata();
    for (const [k, v] of Object.entries({ ...this.options.metadata, ...extra })) m.set(k, v);
    return m;
  }

  /**
   * One unary RPC under one deadline, retried on the retryable statuses (except a RESOURCE_EXHAUSTED for a
   * message over the size limit, which no retry cures), cancellable, errors made named.
   */
  private async unary<Res>(method: keyof GRPCInferenceServiceClient & string, request: unknown, options: CallOptions): Promise<Res> {
    const deadlineUnixMs = options.deadline?.getTime() ?? Date.now() + (options.timeoutMs ?? this.options.timeoutMs);
    const { signal } = options;
    const fn = (this.stub[method] as unknown as UnaryMethod).bind(this.stub);
    const attempt = (): Promise<Res> =>
      new Promise<Res>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        if (Date.now() >= deadlineUnixMs) return reject(deadlinePassed(deadlineUnixMs));
        const onAbort = (): void => call.cancel();
        const call = fn(request, this.metadataFor(options.metadata), { deadline: new Date(deadlineUnixMs) }, (err, res) => {
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve(res as Res);
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    try {
      return await withRetries(noRetryForOversized(attempt), this.options.retry, { deadlineUnixMs, ...(signal ? { signal } : {}) });
    } catch (err) {
      throw toClientError(unwrapNotRetried(err), signal);
    }
  }
}
