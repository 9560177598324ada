/**
 * The load generator's HTTP/2 gRPC client against a real @grpc/grpc-js server on loopback: answers, error
 * statuses (trailers-only responses), deadlines and a closed-loop run. No product code involved.
 */
import * as grpc from '@grpc/grpc-js';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type InferenceProtoGrpcType, type ModelInferRequest__Output } from '@maas/protos';
import { CallError, RawInferClient, runClosedLoop, unframeMessage } from './load-generator';

let server: grpc.Server;
let address: string;
const seen: ModelInferRequest__Output[] = [];

beforeAll(async () => {
  const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  server = new grpc.Server();
  server.addService(grpcObject.inference.GRPCInferenceService.service, {
    ModelInfer: (call: grpc.ServerUnaryCall<ModelInferRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const req = call.request;
      seen.push(req);
      if (req.model_name === 'bad') return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'input "x": shape [1,5] does not fit [-1,4] (100%)' });
      if (req.model_name === 'slow') return; // never answers
      callback(null, {
        model_name: req.model_name,
        id: req.id,
        outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 2] }],
        raw_output_contents: [Buffer.from(new Float32Array([1.5, -2]).buffer)],
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  address = `127.0.0.1:${port}`;
});

afterAll(() => {
  server.forceShutdown();
});

const input = { name: 'x', datatype: 'FP32' as const, shape: [1, 4], bytes: Buffer.from(new Float32Array([1, 2, 3, 4]).buffer) };

/** Runs `fn` with a client for `model` (at `at`, default the test server) and closes it afterwards. */
async function withClient<T>(model: string, fn: (client: RawInferClient) => Promise<T>, at = address): Promise<T> {
  const client = new RawInferClient({ address: at, model, inputs: [input] });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** The CallError a call ends with. */
function failureOf(client: RawInferClient, timeoutMs: number): Promise<CallError> {
  return client.call(timeoutMs).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as CallError,
  );
}

test('sends the encoded request and reads the answer', async () => {
  await withClient('m', async (client) => {
    const res = await client.callDecoded(5000);
    expect(res.model_name).toBe('m');
    expect(res.outputs?.[0]).toMatchObject({ name: 'y', datatype: 'FP32' });
    expect([...new Float32Array(Uint8Array.from(res.raw_output_contents![0] as Uint8Array).buffer)]).toEqual([1.5, -2]);
    const req = seen.at(-1)!;
    expect(req.inputs[0]).toMatchObject({ name: 'x', datatype: 'FP32' });
    expect(req.inputs[0]!.shape.map(Number)).toEqual([1, 4]);
    expect(Buffer.compare(req.raw_input_contents[0]!, input.bytes)).toBe(0);
  });
});

test('an error status rejects with its code and the decoded message', async () => {
  const err = await withClient('bad', (client) => failureOf(client, 5000));
  expect(err).toBeInstanceOf(CallError);
  expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
  expect(err.message).toBe('input "x": shape [1,5] does not fit [-1,4] (100%)');
});

test('no answer within the timeout rejects DEADLINE_EXCEEDED', async () => {
  expect((await withClient('slow', (client) => failureOf(client, 200))).code).toBe(grpc.status.DEADLINE_EXCEEDED);
});

test('a server that is not there rejects UNAVAILABLE', async () => {
  expect((await withClient('m', (client) => failureOf(client, 2000), '127.0.0.1:1')).code).toBe(grpc.status.UNAVAILABLE);
});

test('a closed loop counts answers and errors by status', async () => {
  const ok = new RawInferClient({ address, model: 'm', inputs: [input] });
  const bad = new RawInferClient({ address, model: 'bad', inputs: [input] });
  try {
    const r = await runClosedLoop(ok, { concurrency: 4, warmupMs: 50, durationMs: 300, timeoutMs: 5000 });
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(10);
    await expect(runClosedLoop(bad, { concurrency: 2, warmupMs: 0, durationMs: 100, timeoutMs: 5000 })).rejects.toThrow(/INVALID_ARGUMENT/);
  } finally {
    ok.close();
    bad.close();
  }
});

test('unframeMessage refuses compressed and cut-short bodies', () => {
  expect(unframeMessage(Buffer.from([0, 0, 0, 0, 2, 7, 8])).equals(Buffer.from([7, 8]))).toBe(true);
  expect(() => unframeMessage(Buffer.from([1, 0, 0, 0, 0]))).toThrow(/compressed/);
  expect(() => unframeMessage(Buffer.from([0, 0, 0, 0, 9, 1]))).toThrow(/cut short/);
  expect(() => unframeMessage(Buffer.alloc(2))).toThrow(/no gRPC message/);
});
