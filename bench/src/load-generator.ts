import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { clientChannelOptions } from '@maas/grpc-kit';
import { INFERENCE_PROTO_FILES, loadProtos, type ModelInferRequest, type ModelInferResponse } from '@maas/protos';
import { SampleBuffer, summarizeLatencies, type LatencySummaryMs } from './stats';

/** One input tensor of a benchmark request, with its bytes (little-endian, as raw_input_contents carries). */
export interface WireInput {
  name: string;
  datatype: 'FP32' | 'INT64' | 'BYTES';
  shape: number[];
  bytes: Buffer;
}

/** Where to send ModelInfer and what. */
export interface LoadTarget {
  /** host:port of a KServe v2 gRPC endpoint (maas gateway, MLServer). */
  address: string;
  model: string;
  version?: string;
  inputs: WireInput[];
}

/** How to drive it: closed loop, `concurrency` requests always in flight. */
export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Per-request deadline. */
  timeoutMs: number;
}

/** What one closed-loop run measured. Latencies are of requests started after the warm-up. */
export interface LoadResult {
  concurrency: number;
  durationS: number;
  requests: number;
  errors: number;
  /** Errors by gRPC status name, and one message of each kind (the first seen). */
  errorKinds: Record<string, { count: number; message: string }>;
  throughputPerSecond: number;
  latencyMs: LatencySummaryMs;
  /** Every call answered, warm-up included (for per-request costs measured over the whole run). */
  callsIncludingWarmup: number;
}

const METHOD_PATH = '/inference.GRPCInferenceService/ModelInfer';

type MethodCodec = { requestSerialize: (value: ModelInferRequest) => Buffer; responseDeserialize: (bytes: Buffer) => ModelInferResponse };

let codec: MethodCodec | undefined;
function modelInferCodec(): MethodCodec {
  if (!codec) {
    const service = loadProtos(INFERENCE_PROTO_FILES)['inference.GRPCInferenceService'] as unknown as Record<string, MethodCodec>;
    const method = service['ModelInfer'];
    if (!method) throw new Error('inference.GRPCInferenceService has no ModelInfer in the loaded protos');
    codec = method;
  }
  return codec;
}

/** The ModelInfer request of a target, encoded once: every call sends the same bytes. */
export function encodeRequest(target: LoadTarget): Buffer {
  return modelInferCodec().requestSerialize({
    model_name: target.model,
    model_version: target.version ?? '',
    inputs: target.inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape })),
    raw_input_contents: target.inputs.map((i) => i.bytes),
  });
}

const passThrough = (b: Buffer): Buffer => b;

/**
 * A thin ModelInfer client: the request is serialized once and responses are not decoded (only their
 * status counts), so the load generator spends as little of the shared CPU as a protocol client can and
 * costs every target the same.
 */
export class RawInferClient {
  private readonly client: grpc.Client;
  private readonly request: Buffer;

  constructor(readonly target: LoadTarget) {
    this.client = new grpc.Client(target.address, grpc.credentials.createInsecure(), clientChannelOptions());
    this.request = encodeRequest(target);
  }

  /** Sends the request once; resolves with the response bytes. */
  call(timeoutMs: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.client.makeUnaryRequest(METHOD_PATH, passThrough, passThrough, this.request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res ?? Buffer.alloc(0)),
      );
    });
  }

  /** Sends once and decodes the answer (a check before measuring: the target answers and says something sane). */
  async callDecoded(timeoutMs: number): Promise<ModelInferResponse> {
    return modelInferCodec().responseDeserialize(await this.call(timeoutMs));
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}

function statusName(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number') return grpc.status[code] ?? String(code);
  return 'CLIENT_ERROR';
}

/**
 * Closed-loop load: `concurrency` loops each send a request, await the reply, send the next. Requests that
 * start during the warm-up are not recorded; throughput counts replies that arrive inside the measured window.
 */
export async function runClosedLoop(client: RawInferClient, options: LoadOptions): Promise<LoadResult> {
  const latencies = new SampleBuffer();
  const errorKinds: Record<string, { count: number; message: string }> = {};
  let errors = 0;
  let completedInWindow = 0;
  let calls = 0;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;
  const loop = async (): Promise<void> => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= measureUntil) return;
      try {
        await client.call(options.timeoutMs);
        calls++;
        const t1 = performance.now();
        if (t0 >= measureFrom) latencies.push(t1 - t0);
        if (t1 >= measureFrom && t1 <= measureUntil) completedInWindow++;
      } catch (err) {
        calls++;
        if (t0 >= measureFrom) {
          errors++;
          const kind = statusName(err);
          const entry = (errorKinds[kind] ??= { count: 0, message: (err as Error).message });
          entry.count++;
        }
        // A target that fails fast must not spin the CPU that the other processes need.
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  if (latencies.length === 0) {
    const detail = Object.entries(errorKinds).map(([k, v]) => `${k} x${v.count}: ${v.message}`).join('; ');
    throw new Error(`no successful request to ${client.target.model} at ${client.target.address} in ${options.durationMs} ms${detail ? ` (${detail})` : ''}`);
  }
  const durationS = options.durationMs / 1000;
  return {
    concurrency: options.concurrency,
    durationS,
    requests: latencies.length,
    errors,
    errorKinds,
    throughputPerSecond: completedInWindow / durationS,
    latencyMs: summarizeLatencies(latencies.values()),
    callsIncludingWarmup: calls,
  };
}
