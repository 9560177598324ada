/**
 * The load generator's HTTP/2 gRPC client against a real @grpc/grpc-js server on loopback: answers, error
 * statuses (trailers-only responses), deadlines, a closed-loop run, and mutual TLS with an API key against a
 * server requiring client certificates (the dev CA of scripts/tls/gen-dev-certs.sh). No product code involved.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { INFERENCE_PROTO_FILES, loadGrpcObject, loadProtos, type InferenceProtoGrpcType, type ModelInferRequest__Output, type ModelInferResponse } from '@maas/protos';
import { generateTestCerts, type TestCerts } from '@maas/testing';
import { readClientTls } from './cli-args';
import { CallError, RawInferClient, runClosedLoop, tlsServerName, unframeMessage } from './load-generator';

let server: grpc.Server;
let tlsServer: grpc.Server;
let address: string;
let tlsAddress: string;
let certs: TestCerts;
const seen: ModelInferRequest__Output[] = [];
const authorizations: string[] = [];

function bind(s: grpc.Server, credentials: grpc.ServerCredentials): Promise<string> {
  return new Promise<string>((resolve, reject) => s.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(`127.0.0.1:${p}`))));
}

beforeAll(async () => {
  const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  const implementation = {
    ModelInfer: (call: grpc.ServerUnaryCall<ModelInferRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const req = call.request;
      seen.push(req);
      authorizations.push(String(call.metadata.get('authorization')[0] ?? ''));
      if (req.model_name === 'bad') return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'input "x": shape [1,5] does not fit [-1,4] (100%)' });
      if (req.model_name === 'slow') return; // never answers
      callback(null, {
        model_name: req.model_name,
        id: req.id,
        outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 2] }],
        raw_output_contents: [Buffer.from(new Float32Array([1.5, -2]).buffer)],
      });
    },
  };
  server = new grpc.Server();
  server.addService(grpcObject.inference.GRPCInferenceService.service, implementation);
  address = await bind(server, grpc.ServerCredentials.createInsecure());
  certs = generateTestCerts(fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-lg-tls-')));
  const gateway = certs.certOf('maas-gateway');
  tlsServer = new grpc.Server();
  tlsServer.addService(grpcObject.inference.GRPCInferenceService.service, implementation);
  tlsAddress = await bind(tlsServer, grpc.ServerCredentials.createSsl(fs.readFileSync(certs.ca), [{ cert_chain: fs.readFileSync(gateway.cert), private_key: fs.readFileSync(gateway.key) }], true));
});

afterAll(() => {
  server.forceShutdown();
  tlsServer.forceShutdown();
  fs.rmSync(certs.dir, { recursive: true, force: true });
});

const { responseDeserialize } = (loadProtos(INFERENCE_PROTO_FILES)['inference.GRPCInferenceService'] as unknown as Record<string, { responseDeserialize: (b: Buffer) => ModelInferResponse }>)['ModelInfer']!;

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
    const res = responseDeserialize(await client.call(5000));
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

test('over mutual TLS it shows the client pair and sends the API key; a plaintext client is refused', async () => {
  const tls = readClientTls({ caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey });
  const client = new RawInferClient({ address: tlsAddress, model: 'm', inputs: [input], tls, apiKey: 'k-123' });
  try {
    const r = await runClosedLoop(client, { concurrency: 2, warmupMs: 0, durationMs: 200, timeoutMs: 5000 });
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
    expect(authorizations.at(-1)).toBe('Bearer k-123');
  } finally {
    client.close();
  }
  const plain = new RawInferClient({ address: tlsAddress, model: 'm', inputs: [input] });
  try {
    expect([grpc.status.UNAVAILABLE, grpc.status.UNKNOWN]).toContain((await failureOf(plain, 2000)).code);
  } finally {
    plain.close();
  }
});

test('tlsServerName names loopback IPs localhost and keeps host names', () => {
  expect(tlsServerName('127.0.0.1:8001')).toBe('localhost');
  expect(tlsServerName('[::1]:8001')).toBe('localhost');
  expect(tlsServerName('gw.example:443')).toBe('gw.example');
});

test('unframeMessage refuses compressed and cut-short bodies', () => {
  expect(unframeMessage(Buffer.from([0, 0, 0, 0, 2, 7, 8])).equals(Buffer.from([7, 8]))).toBe(true);
  expect(() => unframeMessage(Buffer.from([1, 0, 0, 0, 0]))).toThrow(/compressed/);
  expect(() => unframeMessage(Buffer.from([0, 0, 0, 0, 9, 1]))).toThrow(/cut short/);
  expect(() => unframeMessage(Buffer.alloc(2))).toThrow(/no gRPC message/);
});
