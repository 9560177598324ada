import { performance } from 'node:perf_hooks';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { CLIENT_FLOW_CONTROL_WINDOW_BYTES } from '@maas/grpc-kit';
import { INFERENCE_PROTO_FILES, loadProtos, type ModelInferRequest } from '@maas/protos';
import type { BenchClientTls } from './cli-args';
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
  /** Connect over TLS with this CA and client pair (mutual TLS); plaintext when unset. */
  tls?: BenchClientTls;
  /** Sent as `authorization: Bearer <key>` on every call. */
  apiKey?: string;
}

/** The name to check a server certificate against: SNI may not carry an IP address (RFC 6066), so loopback is `localhost`, which the dev certificates carry. */
export function tlsServerName(address: string): string {
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':') ? 'localhost' : host;
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

type MethodCodec = { requestSerialize: (value: ModelInferRequest) => Buffer };

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

/** A failed call: the gRPC status the server (or the client, for deadline and transport failures) gave. */
export class CallError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** grpc-message is percent-encoded; a malformed one is shown as it came. */
function percentDecoded(message: string): string {
  try {
    return decodeURIComponent(message);
  } catch {
    return message;
  }
}

/** The gRPC message of a response body: one length-prefixed, uncompressed message. */
export function unframeMessage(body: Buffer): Buffer {
  if (body.length < 5) throw new CallError(grpc.status.INTERNAL, `response body of ${body.length} bytes holds no gRPC message`);
  if (body[0] !== 0) throw new CallError(grpc.status.INTERNAL, 'response message is compressed; the load generator asks for none');
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) throw new CallError(grpc.status.INTERNAL, `response message is cut short (${body.length - 5} of ${length} bytes)`);
  return body.subarray(5, 5 + length);
}

/**
 * A thin ModelInfer client speaking gRPC directly over Node's HTTP/2 (one connection, one stream per call):
 * the request is framed once and responses are not decoded, only their grpc-status read. No channel,
 * interceptor, metadata or call objects per request as a general gRPC library builds them (@grpc/grpc-js
 * spends about twice the CPU per call, measured in docs/performance.md), so the load generator takes as
 * little of the shared CPU as a protocol client can, and costs every target the same.
 */
export class RawInferClient {
  private readonly body: Buffer;
  private readonly headers: http2.OutgoingHttpHeaders;
  private session: http2.ClientHttp2Session | undefined;

  constructor(readonly target: LoadTarget) {
    const message = encodeRequest(target);
    this.body = Buffer.allocUnsafe(5 + message.length);
    this.body[0] = 0;
    this.body.writeUInt32BE(message.length, 1);
    message.copy(this.body, 5);
    this.headers = {
      ':method': 'POST',
      ':path': METHOD_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
    };
  }

  /** Sends the request once; resolves with the response message bytes, rejects with a CallError. */
  call(timeoutMs: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.connect().request({ ...this.headers, 'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m` });
      } catch (err) {
        reject(new CallError(grpc.status.UNAVAILABLE, `cannot open a stream to ${this.target.address}: ${(err as Error).message}`));
        return;
      }
      const chunks: Buffer[] = [];
      let httpStatus = 0;
      let grpcStatus: string | undefined;
      let grpcMessage = '';
      let settled = false;
      const settle = (err?: CallError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else if (httpStatus !== 200) reject(new CallError(grpc.status.UNKNOWN, `HTTP status ${httpStatus} from ${this.target.address}`));
        else if (grpcStatus === undefined) reject(new CallError(grpc.status.UNKNOWN, 'the stream ended without a grpc-status'));
        else if (grpcStatus !== '0') reject(new CallError(Number(grpcStatus), percentDecoded(grpcMessage)));
        else {
          try {
            resolve(unframeMessage(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
          } catch (e) {
            reject(e as Error);
          }
        }
      };
      const timer = setTimeout(() => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        settle(new CallError(grpc.status.DEADLINE_EXCEEDED, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const readStatus = (headers: http2.IncomingHttpHeaders): void => {
        const status = headers['grpc-status'];
        if (status !== undefined) {
          grpcStatus = String(status);
          grpcMessage = String(headers['grpc-message'] ?? '');
        }
      };
      stream.on('response', (headers) => {
        httpStatus = Number(headers[':status']);
        readStatus(headers); // a trailers-only answer (an error) carries its status here
      });
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => settle());
      stream.on('close', () => settle(grpcStatus === undefined ? new CallError(grpc.status.UNAVAILABLE, `stream closed before an answer (HTTP/2 code ${stream.rstCode})`) : undefined));
      stream.on('error', (err: Error) => settle(new CallError(grpc.status.UNAVAILABLE, err.message)));
      stream.end(this.body);
    });
  }

  /** Closes the connection. */
  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const { tls } = this.target;
    const settings = { initialWindowSize: CLIENT_FLOW_CONTROL_WINDOW_BYTES };
    const session = tls
      ? http2.connect(`https://${this.target.address}`, { settings, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tlsServerName(this.target.address), ALPNProtocols: ['h2'] })
      : http2.connect(`http://${this.target.address}`, { settings });
    session.on('connect', () => session.setLocalWindowSize(CLIENT_FLOW_CONTROL_WINDOW_BYTES));
    // A broken connection fails its open streams (each rejects UNAVAILABLE); the next call connects again.
    session.on('error', () => undefined);
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
    return session;
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
