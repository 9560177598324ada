// The answering side of the floors, run as its own process so every floor request crosses processes as a
// maas request does: `node bench/dist/floor-processes.js grpc-echo <port>` (a bare @grpc/grpc-js ModelInfer
// that answers the request's own tensors), `... fast-echo <port>` (the same echo on maas's fast gRPC path) or `... redis-responder <redis port>` (reads a request stream with
// XREADGROUP BLOCK and answers each entry with an XADD to the reply stream).
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
        // fields: ['n', request number, 'd', payload]: the reply carries the number and the payload back.
        pipeline.xadd(FLOOR_STREAMS.replies, 'MAXLEN', '~', FLOOR_STREAMS.keep, '*', 'n', fields[1]!, 'd', fields[3]!);
        pipeline.xack(FLOOR_STREAMS.requests, FLOOR_STREAMS.group, id);
      }
    }
    await pipeline.exec();
  }
}

if (require.main === module) {
  const [kind, portText] = process.argv.slice(2);
  const port = Number(portText);
  const run = kind === 'grpc-echo' ? grpcEcho : kind === 'fast-echo' ? fastEcho : kind === 'redis-responder' ? redisResponder : undefined;
  if (!run || !Number.isInteger(port)) {
    process.stderr.write('usage: floor-processes.js grpc-echo <port> | fast-echo <port> | redis-responder <redis port>\n');
    process.exit(2);
  }
  run(port).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
