/**
 * Which RESOURCE_EXHAUSTED the SDK retries: a full queue or a spent rate limit, yes; a message over the size
 * limit (either side's), no. Against a real @grpc/grpc-js server on loopback that counts the calls it gets.
 */
import * as grpc from '@grpc/grpc-js';
import { ResourceExhaustedError } from '@maas/errors';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type InferenceProtoGrpcType, type ModelInferRequest__Output } from '@maas/protos';
import { isOversizedMessage } from './client-retry';
import { InferenceClient } from './inference-client';

let server: grpc.Server;
let address: string;
const calls: Record<string, number> = {};

beforeAll(async () => {
  const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  // The server takes requests up to 64 KiB, as a gateway with a small MAAS_MAX_MESSAGE_BYTES would.
  server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 });
  server.addService(grpcObject.inference.GRPCInferenceService.service, {
    ModelInfer: (call: grpc.ServerUnaryCall<ModelInferRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const model = call.request.model_name;
      calls[model] = (calls[model] ?? 0) + 1;
      if (model === 'full') return callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'queue of model "full" is full (1000 jobs); retry later' });
      const bytes = model === 'big-answer' ? 256 * 1024 : 4;
      callback(null, { model_name: model, outputs: [{ name: 'y', datatype: 'UINT8', shape: [bytes] }], raw_output_contents: [Buffer.alloc(bytes)] });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  address = `127.0.0.1:${port}`;
});

afterAll(() => {
  server.forceShutdown();
});

/** A client with fast retries (4 attempts, waits of at most 5 ms) that takes answers up to 128 KiB; `attempts` counts the calls it starts. */
function client(attempts: number[] = []): InferenceClient {
  const countAttempts: grpc.Interceptor = (options, next) => {
    attempts.push(1);
    return new grpc.InterceptingCall(next(options));
  };
  return new InferenceClient({ address, retry: { maxAttempts: 4, initialBackoffMs: 5, maxBackoffMs: 5 }, maxMessageBytes: 128 * 1024, channelOptions: { interceptors: [countAttempts] } });
}

async function rejection(run: () => Promise<unknown>): Promise<ResourceExhaustedError> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ResourceExhaustedError);
  return err as ResourceExhaustedError;
}

test('a full queue (RESOURCE_EXHAUSTED) is retried up to maxAttempts', async () => {
  const attempts: number[] = [];
  const c = client(attempts);
  try {
    const err = await rejection(() => c.infer('full', { x: { datatype: 'UINT8', shape: [4], data: new Uint8Array(4) } }));
    expect(err.message).toMatch(/is full/);
    expect(calls['full']).toBe(4);
    expect(attempts).toHaveLength(4);
  } finally {
    c.close();
  }
});

test('a request over the server\'s size limit is not retried', async () => {
  const attempts: number[] = [];
  const c = client(attempts);
  try {
    const err = await rejection(() => c.infer('big-request', { x: { datatype: 'UINT8', shape: [100 * 1024], data: new Uint8Array(100 * 1024) } }));
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err.message).toMatch(/larger than max/);
    expect(attempts).toHaveLength(1);
  } finally {
    c.close();
  }
});

test('an answer over the client\'s size limit is not retried', async () => {
  const attempts: number[] = [];
  const c = client(attempts);
  try {
    const err = await rejection(() => c.infer('big-answer', { x: { datatype: 'UINT8', shape: [4], data: new Uint8Array(4) } }));
    expect(err.message).toMatch(/Received message larger than max/);
    expect(calls['big-answer']).toBe(1);
    expect(attempts).toHaveLength(1);
  } finally {
    c.close();
  }
});

test('isOversizedMessage tells size limits from other RESOURCE_EXHAUSTED', () => {
  const se = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new grpc.Metadata() });
  expect(isOversizedMessage(se(grpc.status.RESOURCE_EXHAUSTED, 'Received message larger than max (100 vs. 64)'))).toBe(true);
  expect(isOversizedMessage(se(grpc.status.RESOURCE_EXHAUSTED, 'Attempted to send message with a size larger than 64'))).toBe(true);
  expect(isOversizedMessage(new ResourceExhaustedError('request of 70 MiB exceeds maximum of 64 MiB'))).toBe(true);
  expect(isOversizedMessage(se(grpc.status.RESOURCE_EXHAUSTED, 'rate limit of tenant a spent; retry in 120 ms'))).toBe(false);
  expect(isOversizedMessage(se(grpc.status.INVALID_ARGUMENT, 'Received message larger than max'))).toBe(false);
  expect(isOversizedMessage(new Error('Received message larger than max'))).toBe(false);
});
