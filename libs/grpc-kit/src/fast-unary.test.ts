import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, ResourceExhaustedError, UnauthenticatedError } from '@maas/errors';
import { silentLogger } from '@maas/logging';
import { Registry } from '@maas/metrics';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type InferenceProtoGrpcType, type ModelInferRequest__Output, type ModelInferResponse } from '@maas/protos';
import { deadlineFromTimeout, fastPathTakes, type FastCall } from './fast-unary';
import { MaasServer } from './server';

const { grpcObject, packageDefinition } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
const service = grpcObject.inference.GRPCInferenceService.service;
const PATH = '/inference.GRPCInferenceService/ModelInfer';

describe('deadlineFromTimeout / fastPathTakes', () => {
  it('reads every grpc-timeout unit and ignores malformed ones', () => {
    expect(deadlineFromTimeout('5S', 1000)).toBe(6000);
    expect(deadlineFromTimeout('250m', 0)).toBe(250);
    expect(deadlineFromTimeout('2M', 0)).toBe(120_000);
    expect(deadlineFromTimeout('1H', 0)).toBe(3_600_000);
    expect(deadlineFromTimeout('3000u', 0)).toBe(3);
    expect(deadlineFromTimeout('1000000n', 0)).toBe(1);
    expect(deadlineFromTimeout(undefined, 0)).toBe(Infinity);
    expect(deadlineFromTimeout('123456789S', 0)).toBe(Infinity);
    expect(deadlineFromTimeout('5s', 0)).toBe(Infinity);
  });

  it('takes plain protobuf gRPC POSTs only', () => {
    expect(fastPathTakes({ ':method': 'POST', 'content-type': 'application/grpc' })).toBe(true);
    expect(fastPathTakes({ ':method': 'POST', 'content-type': 'application/grpc+proto', 'grpc-encoding': 'identity' })).toBe(true);
    expect(fastPathTakes({ ':method': 'POST', 'content-type': 'application/grpc', 'grpc-encoding': 'gzip' })).toBe(false);
    expect(fastPathTakes({ ':method': 'POST', 'content-type': 'application/grpc+json' })).toBe(false);
    expect(fastPathTakes({ ':method': 'GET', 'content-type': 'application/grpc' })).toBe(false);
    expect(fastPathTakes({ ':method': 'POST' })).toBe(false);
  });
});

describe('MaasServer fast unary path (real grpc-js clients)', () => {
  const registry = new Registry();
  const server = new MaasServer({ logger: silentLogger(), registry, maxMessageBytes: 1024 * 1024 });
  const seen: { fast: number; grpcJs: number; calls: FastCall[] } = { fast: 0, grpcJs: 0, calls: [] };
  let release: (() => void) | undefined;
  const echo = (req: ModelInferRequest__Output): ModelInferResponse => ({
    model_name: req.model_name, id: req.id, outputs: req.inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape })), raw_output_contents: req.raw_input_contents,
  });
  const answer = async (req: ModelInferRequest__Output, call: FastCall | undefined): Promise<ModelInferResponse> => {
    if (req.model_name === 'bad') throw new InvalidArgumentError('no such tensor "y"');
    if (req.model_name === 'full') throw new ResourceExhaustedError('queue is full');
    if (req.model_name === 'big') return { model_name: 'big', raw_output_contents: [Buffer.alloc(2 * 1024 * 1024)] };
    if (req.model_name === 'header') return { model_name: call?.header('x-tenant') ?? 'grpc-js', id: String(call?.getDeadline() ?? '') };
    if (req.model_name === 'hang') {
      await new Promise<void>((resolve) => {
        release = resolve;
        call?.addEventListener('abort', resolve);
      });
      return { model_name: 'hang' };
    }
    return echo(req);
  };
  server.addService('inference.GRPCInferenceService', service, {
    ModelInfer: (call: grpc.ServerUnaryCall<ModelInferRequest__Output, ModelInferResponse>, cb: grpc.sendUnaryData<ModelInferResponse>) => {
      seen.grpcJs += 1;
      answer(call.request, undefined).then((r) => cb(null, r), (e: Error & { code?: number }) => cb({ code: e.code ?? 13, details: e.message }));
    },
    ServerLive: (_call: unknown, cb: grpc.sendUnaryData<{ live: boolean }>) => cb(null, { live: true }),
  } as unknown as grpc.UntypedServiceImplementation, packageDefinition);
  server.addFastUnary<ModelInferRequest__Output, ModelInferResponse>({
    path: PATH,
    deserialize: (b) => service.ModelInfer.requestDeserialize(b),
    serialize: (r) => service.ModelInfer.responseSerialize(r),
    handle: (req, call) => {
      seen.fast += 1;
      seen.calls.push(call);
      // A handler that throws before it returns a promise (not async): answered like a rejection.
      if (req.model_name === 'sync-throw') throw new UnauthenticatedError('no API key');
      return answer(req, call);
    },
  });
  let client: InstanceType<typeof grpcObject.inference.GRPCInferenceService>;
  let gzipClient: InstanceType<typeof grpcObject.inference.GRPCInferenceService>;
  const infer = (c: typeof client, req: object, options: grpc.CallOptions = {}, metadata = new grpc.Metadata()) =>
    new Promise<ModelInferResponse>((resolve, reject) => c.ModelInfer(req, metadata, options, (err, res) => (err ? reject(err) : resolve(res as ModelInferResponse))));

  let port = 0;
  beforeAll(async () => {
    port = await server.listen('127.0.0.1', 0);
    server.setServing(true);
    client = new grpcObject.inference.GRPCInferenceService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    gzipClient = new grpcObject.inference.GRPCInferenceService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
  });
  afterAll(async () => {
    client.close();
    gzipClient.close();
    await server.shutdown(1000);
  });

  it('opens an 8 MiB HTTP/2 receive window per connection and per stream, so a large request is sent in one go', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      // The server's first SETTINGS carry HTTP/2's defaults; the ones it sends once the connection is up, the window.
      await new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (session.remoteSettings.initialWindowSize === 8 * 1024 * 1024) resolve();
        };
        session.on('remoteSettings', check);
        session.once('error', reject);
        setTimeout(() => reject(new Error(`initial window ${session.remoteSettings.initialWindowSize}`)), 2000);
      });
      // The connection window the server opened (its WINDOW_UPDATE may follow the SETTINGS): what this client may send.
      for (let i = 0; i < 20 && (session.state.remoteWindowSize ?? 0) < 8 * 1024 * 1024; i++) await new Promise((r) => setTimeout(r, 50));
      expect(session.state.remoteWindowSize).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    } finally {
      session.close();
    }
  });

  it('answers on the fast path, byte for byte, with headers and the deadline', async () => {
    const before = seen.fast;
    const raw = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const res = await infer(client, { model_name: 'm', id: 'r1', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2] }], raw_input_contents: [raw] });
    expect(res).toMatchObject({ model_name: 'm', id: 'r1', outputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2] }] });
    expect(Buffer.from(res.raw_output_contents![0] as Uint8Array).equals(raw)).toBe(true);
    const md = new grpc.Metadata();
    md.set('x-tenant', 'acme');
    const deadline = Date.now() + 5000;
    const h = await infer(client, { model_name: 'header' }, { deadline }, md);
    expect(h.model_name).toBe('acme');
    expect(Math.abs(Number(h.id) - deadline)).toBeLessThan(1000);
    expect(seen.fast - before).toBe(2);
  });

  it('answers byte for byte on both sides of the one-write size (small answers framed in one buffer, large as prefix + body)', async () => {
    for (const size of [0, 1, 16 * 1024 - 40, 16 * 1024, 16 * 1024 + 1, 200_000]) {
      const raw = Buffer.alloc(size);
      for (let i = 0; i < size; i++) raw[i] = (i * 31 + size) & 0xff;
      const res = await infer(client, { model_name: 'm', id: `s${size}`, inputs: [{ name: 'x', datatype: 'UINT8', shape: [size] }], raw_input_contents: [raw] });
      expect(res.id).toBe(`s${size}`);
      expect(Buffer.from((res.raw_output_contents?.[0] ?? new Uint8Array()) as Uint8Array).equals(raw)).toBe(true);
    }
  });

  it('maps errors to their status and counts every call in the server metrics', async () => {
    await expect(infer(client, { model_name: 'bad' })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'no such tensor "y"' });
    await expect(infer(client, { model_name: 'full' })).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'queue is full' });
    await expect(infer(client, { model_name: 'sync-throw' })).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'no API key' });
    const text = await registry.metrics();
    expect(text).toMatch(/maas_grpc_server_handled_total\{grpc_service="inference.GRPCInferenceService",grpc_method="ModelInfer",grpc_code="INVALID_ARGUMENT"\} 1/);
    expect(text).toMatch(/maas_grpc_server_handled_total\{grpc_service="inference.GRPCInferenceService",grpc_method="ModelInfer",grpc_code="OK"\} [1-9]/);
    expect(text).toMatch(/maas_grpc_server_handling_seconds_count\{grpc_service="inference.GRPCInferenceService",grpc_method="ModelInfer"\} [1-9]/);
  });

  it('refuses messages over the limit either way with RESOURCE_EXHAUSTED', async () => {
    await expect(infer(client, { model_name: 'm', raw_input_contents: [Buffer.alloc(1024 * 1024 + 10)] })).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    await expect(infer(client, { model_name: 'big' })).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/Sent message larger than max/) });
    // The connection is still good.
    await expect(infer(client, { model_name: 'm' })).resolves.toMatchObject({ model_name: 'm' });
  });

  it('leaves compressed calls and every other method to grpc-js', async () => {
    const before = { ...seen };
    await expect(infer(gzipClient, { model_name: 'gz', raw_input_contents: [Buffer.alloc(4096, 7)] })).resolves.toMatchObject({ model_name: 'gz' });
    expect(seen.grpcJs - before.grpcJs).toBe(1);
    expect(seen.fast - before.fast).toBe(0);
    await expect(new Promise((resolve, reject) => client.ServerLive({}, (err, res) => (err ? reject(err) : resolve(res))))).resolves.toMatchObject({ live: true });
  });

  it('answers a request with no message or two the way grpc-js does', async () => {
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    const call = (body: Buffer) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const s = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/grpc', te: 'trailers' });
        let trailers: Record<string, unknown> = {};
        s.on('response', (h) => (trailers = { ...h }));
        s.on('trailers', (t) => (trailers = { ...trailers, ...t }));
        s.on('data', () => undefined);
        s.on('end', () => resolve(trailers));
        s.on('error', reject);
        s.end(body);
      });
    try {
      expect((await call(Buffer.alloc(0)))['grpc-status']).toBe(String(grpc.status.UNIMPLEMENTED));
      const one = service.ModelInfer.requestSerialize({ model_name: 'm' });
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, one.length]), one]);
      expect((await call(Buffer.concat([frame, frame])))['grpc-status']).toBe(String(grpc.status.UNIMPLEMENTED));
      expect((await call(frame.subarray(0, frame.length - 1)))['grpc-status']).toBe(String(grpc.status.INTERNAL));
      expect((await call(frame))['grpc-status']).toBe('0');
    } finally {
      session.close();
    }
  });

  it('counts a request reset halfway through its message as CANCELLED, not as a malformed one', async () => {
    const internal = async () => Number(/grpc_method="ModelInfer",grpc_code="INTERNAL"\} (\d+)/.exec(await registry.metrics())?.[1] ?? 0);
    const cancelled = async () => Number(/grpc_method="ModelInfer",grpc_code="CANCELLED"\} (\d+)/.exec(await registry.metrics())?.[1] ?? 0);
    const before = { internal: await internal(), cancelled: await cancelled(), fast: seen.fast };
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    try {
      const one = service.ModelInfer.requestSerialize({ model_name: 'm', raw_input_contents: [Buffer.alloc(50_000)] });
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), one]);
      frame.writeUInt32BE(one.length, 1);
      const s = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/grpc', te: 'trailers' });
      s.on('error', () => undefined);
      s.write(frame.subarray(0, 20_000));
      await new Promise((r) => setTimeout(r, 100));
      s.close(http2.constants.NGHTTP2_CANCEL);
      const deadline = Date.now() + 5000;
      while ((await cancelled()) === before.cancelled && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      session.close();
    }
    expect(await cancelled()).toBe(before.cancelled + 1);
    expect(await internal()).toBe(before.internal);
    expect(seen.fast).toBe(before.fast);
  });

  it('turns a client cancel into an abort of the call', async () => {
    const pending = client.ModelInfer({ model_name: 'hang' }, (err) => void err);
    const deadline = Date.now() + 5000;
    while (!release && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const call = seen.calls[seen.calls.length - 1]!;
    expect(call.aborted).toBe(false);
    pending.cancel();
    while (!call.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(call.aborted).toBe(true);
  });
});
