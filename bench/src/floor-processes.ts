// The answering side of the floors, run as its own process so every floor request crosses processes as a
// maas request does: `node bench/dist/floor-processes.js grpc-echo <port>` (a bare @grpc/grpc-js ModelInfer
// that answers the request's own tensors), `... fast-echo <port>` (the same echo on maas's fast gRPC path),
// `... redis-responder <redis port>` (reads a request stream with XREADGROUP BLOCK and answers each entry with an
// XADD to the reply stream) or `... queue-front <port> <redis port> <outputs JSON>` (maas's fast gRPC path sending
// each request through the responder and answering with the model's outputs: the design's request path without
// maas's code) or `... idle-service <port> <redis port>` (what an idle service of the design holds: a gRPC health
// server for Consul's check and one blocked Redis read).
import * as grpc from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { MaasServer } from '@maas/grpc-kit';
import { silentLogger } from '@maas/logging';
import { Registry } from '@maas/metrics';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type InferenceProtoGrpcType, type ModelInferRequest__Output, type ModelInferResponse } from '@maas/protos';

/** Stream and group names the Redis floor uses on both sides. */
export const FLOOR_STREAMS = { requests: 'floor:requests', replies: 'floor:replies', group: 'floor', keep: 256 } as const;

/** The answer of both echoes: the request's own tensors. */
function echo(req: ModelInferRequest__Output): ModelInferResponse {
  return { model_name: req.model_name, id: req.id, outputs: req.inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape })), raw_output_contents: req.raw_input_contents };
}

async function grpcEcho(port: number): Promise<void> {
  const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  server.addService(grpcObject.inference.GRPCInferenceService.service, {
    ModelInfer: (call: grpc.ServerUnaryCall<ModelInferRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) => callback(null, echo(call.request)),
  });
  await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
}

/** The same echo on maas's fast gRPC path (@maas/grpc-kit addFastUnary on a MaasServer), as the gateway serves ModelInfer. */
async function fastEcho(port: number): Promise<void> {
  const { grpcObject, packageDefinition } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  const service = grpcObject.inference.GRPCInferenceService.service;
  const server = new MaasServer({ logger: silentLogger(), registry: new Registry() });
  server.addService('inference.GRPCInferenceService', service, {
    ModelInfer: (call: grpc.ServerUnaryCall<ModelInferRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) => callback(null, echo(call.request)),
  } as unknown as grpc.UntypedServiceImplementation, packageDefinition);
  server.addFastUnary<ModelInferRequest__Output, ModelInferResponse>({
    path: '/inference.GRPCInferenceService/ModelInfer',
    deserialize: (b) => service.ModelInfer.requestDeserialize(b),
    serialize: (r) => service.ModelInfer.responseSerialize(r),
    handle: async (req) => echo(req),
  });
  await server.listen('127.0.0.1', port);
  server.setServing(true);
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void server.shutdown(1000).then(() => process.exit(0)));
}

const zeroBuffers = new Map<number, Buffer>();
/** A buffer of `bytes` zeros, made once per size (the responder's stand-in for a model's output). */
function zeros(bytes: number): Buffer {
  let b = zeroBuffers.get(bytes);
  if (!b) zeroBuffers.set(bytes, (b = Buffer.alloc(bytes)));
  return b;
}

/** One output of the model the queue front stands in for: its tensors are what each reply carries back. */
export interface FloorOutput {
  name: string;
  datatype: string;
  shape: number[];
}

/** Bytes of one FP32/INT32-sized output (4 bytes an element; the bench's models answer FP32). */
function outputBytes(o: FloorOutput): number {
  return 4 * o.shape.reduce((a, b) => a * b, 1);
}

async function redisResponder(port: number): Promise<void> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: false });
  await redis.xgroup('CREATE', FLOOR_STREAMS.requests, FLOOR_STREAMS.group, '$', 'MKSTREAM').catch(() => undefined);
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    redis.disconnect();
    process.exit(0);
  });
  process.stdout.write('ready\n');
  while (!stopping) {
    const batch = (await redis.callBuffer('XREADGROUP', 'GROUP', FLOOR_STREAMS.group, 'r', 'COUNT', 64, 'BLOCK', 0, 'STREAMS', FLOOR_STREAMS.requests, '>')) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
    if (!batch) continue;
    const pipeline = redis.pipeline();
    for (const [, entries] of batch) {
      for (const [id, fields] of entries) {
        // fields: ['n', request number, 'd', payload] (the reply carries both back), or the queue front's
        // ['n', number, 'r', reply bytes, 'd0', input, …] (the reply carries the number and that many bytes).
        if (String(fields[2]) === 'r') pipeline.xadd(FLOOR_STREAMS.replies, 'MAXLEN', '~', FLOOR_STREAMS.keep, '*', 'n', fields[1]!, 'd', zeros(Number(fields[3])));
        else pipeline.xadd(FLOOR_STREAMS.replies, 'MAXLEN', '~', FLOOR_STREAMS.keep, '*', ...fields);
        pipeline.xack(FLOOR_STREAMS.requests, FLOOR_STREAMS.group, id);
      }
    }
    await pipeline.exec();
  }
}

/**
 * The design's request path with none of maas's code: ModelInfer on maas's fast gRPC path (as fastEcho), each
 * request's tensors added to the request stream (XADD, auto-pipelined as the gateway's commands are), answered by
 * the redis-responder process (XREADGROUP, XADD of as many bytes as the model's outputs hold, XACK), the reply
 * read by one blocking XREAD loop (as the gateway's reply reader) and sent back as those outputs. No validation, queue scripts, leases,
 * deadlines, metrics or model: what the queue hop costs between a gRPC front and a worker, and nothing more.
 */
async function queueFront(port: number, redisPort: number, outputs: FloorOutput[]): Promise<void> {
  const replyBytes = outputs.map(outputBytes);
  const replyTotal = String(replyBytes.reduce((a, b) => a + b, 0));
  const commands = new Redis({ port: redisPort, host: '127.0.0.1', enableAutoPipelining: true });
  const replies = new Redis({ port: redisPort, host: '127.0.0.1' });
  const waiting = new Map<string, { resolve: (payloads: Buffer[]) => void; reject: (err: Error) => void }>();
  let next = 0;
  let stopping = false;
  const readReplies = async (): Promise<void> => {
    // A fresh Redis (the bench starts one per floor): every reply on the stream answers a request of this process.
    let lastId = '0-0';
    while (!stopping) {
      const got = (await replies.callBuffer('XREAD', 'COUNT', 500, 'BLOCK', 0, 'STREAMS', FLOOR_STREAMS.replies, lastId)) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      for (const [, entries] of got ?? []) {
        for (const [id, fields] of entries) {
          lastId = String(id);
          const n = String(fields[1]);
          waiting.get(n)?.resolve([fields[3]!]);
          waiting.delete(n);
        }
      }
    }
  };
  const { grpcObject, packageDefinition } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  const service = grpcObject.inference.GRPCInferenceService.service;
  const server = new MaasServer({ logger: silentLogger(), registry: new Registry() });
  server.addService('inference.GRPCInferenceService', service, {} as grpc.UntypedServiceImplementation, packageDefinition);
  server.addFastUnary<ModelInferRequest__Output, ModelInferResponse>({
    path: '/inference.GRPCInferenceService/ModelInfer',
    deserialize: (b) => service.ModelInfer.requestDeserialize(b),
    serialize: (r) => service.ModelInfer.responseSerialize(r),
    handle: async (req) => {
      const n = String(next++);
      const fields: Array<string | Buffer> = ['n', n, 'r', replyTotal];
      req.raw_input_contents.forEach((bytes, i) => fields.push(`d${i}`, bytes));
      const [reply] = await new Promise<Buffer[]>((resolve, reject) => {
        waiting.set(n, { resolve, reject });
        commands.xadd(FLOOR_STREAMS.requests, 'MAXLEN', '~', FLOOR_STREAMS.keep, '*', ...fields).catch((err: Error) => {
          waiting.delete(n);
          reject(err);
        });
      });
      // The model's outputs, their bytes cut from the reply (as the gateway answers from a worker's reply).
      let at = 0;
      const raw = replyBytes.map((n) => reply!.subarray(at, (at += n)));
      return { model_name: req.model_name, id: req.id, outputs: outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape })), raw_output_contents: raw };
    },
  });
  await Promise.all([commands.ping(), replies.ping()]);
  const loop = readReplies();
  loop.catch((err: unknown) => {
    if (!stopping) process.stderr.write(`reply loop failed: ${String(err)}\n`);
  });
  await server.listen('127.0.0.1', port);
  server.setServing(true);
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    stopping = true;
    void server.shutdown(1000).then(() => {
      commands.disconnect();
      replies.disconnect();
      process.exit(0);
    });
  });
}

/** How long the idle floor's Redis read blocks before it is issued again (the worker's default read block). */
const IDLE_READ_BLOCK_MS = 5000;

/**
 * What any service of the design holds while idle, and nothing more: a gRPC server with grpc.health.v1 (that
 * Consul's gRPC check dials, at the stack's interval) and one Redis connection blocked in a read, issued again
 * every IDLE_READ_BLOCK_MS. No leases, gauges, registry watch, metrics scrapes or Consul resyncs.
 */
async function idleService(port: number, redisPort: number): Promise<void> {
  const server = new MaasServer({ logger: silentLogger(), registry: new Registry() });
  await server.listen('127.0.0.1', port);
  server.setServing(true);
  const reader = new Redis({ port: redisPort, host: '127.0.0.1' });
  let stopping = false;
  await reader.ping();
  void (async () => {
    while (!stopping) await reader.xread('BLOCK', IDLE_READ_BLOCK_MS, 'STREAMS', 'floor:idle', '$').catch(() => undefined);
  })();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    stopping = true;
    reader.disconnect();
    void server.shutdown(1000).then(() => process.exit(0));
  });
}

if (require.main === module) {
  const [kind, portText, redisPortText, outputsJson] = process.argv.slice(2);
  const port = Number(portText);
  const redisPort = Number(redisPortText);
  const run = kind === 'grpc-echo' ? grpcEcho : kind === 'fast-echo' ? fastEcho : kind === 'redis-responder' ? redisResponder : kind === 'idle-service' && Number.isInteger(redisPort) ? (p: number) => idleService(p, redisPort) : kind === 'queue-front' && Number.isInteger(redisPort) && outputsJson ? (p: number) => queueFront(p, redisPort, JSON.parse(outputsJson) as FloorOutput[]) : undefined;
  if (!run || !Number.isInteger(port)) {
    process.stderr.write('usage: floor-processes.js grpc-echo <port> | fast-echo <port> | redis-responder <redis port> | queue-front <port> <redis port> <outputs JSON: [{"name","datatype","shape"}]> | idle-service <port> <redis port>\n');
    process.exit(2);
  }
  run(port).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
