/**
 * The platform end to end, as real processes: Redis, Consul, registry, worker, gateway. Inference through
 * the gateway (gRPC raw and typed contents, HTTP JSON and binary) must equal running the model directly
 * with onnxruntime-node; the protocol's metadata RPCs describe what the registry holds; a promote and a
 * rollback under load fail no request and take effect within a second.
 */
import * as grpc from '@grpc/grpc-js';
import * as ort from 'onnxruntime-node';
import { callUnary, deadlineIn } from '@maas/grpc-kit';
import type { GRPCInferenceServiceClient, ModelRegistryClient } from '@maas/protos';
import { startStack, waitFor, type Stack } from '@maas/testing';
import { prepareFixtures, type Fixtures } from '../support/fixtures';
import { asFloat32, inferFp32, inferenceClient } from '../support/inference-client';
import { registryClient, rollbackAlias, setAlias, uploadModel } from '../support/registry';

jest.setTimeout(180_000);

describe('gateway end to end', () => {
  let stack: Stack;
  let fx: Fixtures;
  let client: GRPCInferenceServiceClient;
  let registry: ModelRegistryClient;
  let mlpSession: ort.InferenceSession;

  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
    fx = await prepareFixtures(stack.dir);
    registry = registryClient(stack.registry.address);
    client = inferenceClient(stack.gateway.grpcAddress);
    const batching = { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 2000, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching } });
    await uploadModel(registry, { model: 'mlp', file: fx.mlp, config: { batching }, alias: 'production' });
    mlpSession = await ort.InferenceSession.create(fx.mlp);
  });
  afterAll(async () => {
    client?.close();
    registry?.close();
    await mlpSession?.release();
    await stack?.stop();
  });

  const mlpDirect = async (x: Float32Array, rows: number): Promise<Float32Array> => {
    const out = await mlpSession.run({ [mlpSession.inputNames[0]!]: new ort.Tensor('float32', x, [rows, 4]) });
    return out[mlpSession.outputNames[0]!]!.data as Float32Array;
  };

  it('serves ModelInfer on the fast gRPC path (MAAS_FAST_INFER, on by default)', () => {
    expect(stack.gateway.process.log()).toMatch(/"paths":\["\/inference.GRPCInferenceService\/ModelInfer"\].*"msg":"fast gRPC path serving"/);
  });

  it('answers health and metadata like a KServe v2 server', async () => {
    const live = await callUnary<object, { live: boolean }>(client.ServerLive.bind(client) as never, {});
    expect(live.live).toBe(true);
    await waitFor(async () => (await callUnary<object, { ready: boolean }>(client.ServerReady.bind(client) as never, {})).ready, 15_000, 'ServerReady');
    const meta = await callUnary<object, { name: string; extensions: string[] }>(client.ServerMetadata.bind(client) as never, {});
    expect(meta.name).toBe('maas');
    const mm = await callUnary<object, { name: string; platform: string; versions: string[]; inputs: Array<{ name: string; datatype: string; shape: number[] }> }>(
      client.ModelMetadata.bind(client) as never, { name: 'mlp', version: '' });
    expect(mm).toMatchObject({ name: 'mlp', platform: 'onnxruntime_onnx', versions: ['1'] });
    expect(mm.inputs[0]).toMatchObject({ datatype: 'FP32', shape: [-1, 4] });
    // Ready once a worker holds it: the worker picks the new version up from the change feed and loads it.
    await waitFor(async () => (await callUnary<object, { ready: boolean }>(client.ModelReady.bind(client) as never, { name: 'mlp', version: '' })).ready, 15_000, 'ModelReady mlp');
    const missing = await callUnary<object, { ready: boolean }>(client.ModelReady.bind(client) as never, { name: 'nope', version: '' });
    expect(missing.ready).toBe(false);
    const cfg = await callUnary<object, { config: { max_batch_size: number; input: Array<{ dims: number[]; data_type: string }> } }>(
      client.ModelConfig.bind(client) as never, { name: 'identity', version: '' });
    expect(cfg.config.max_batch_size).toBe(16);
    expect(cfg.config.input[0]).toMatchObject({ data_type: 'TYPE_FP32' });
    const index = await callUnary<object, { models: Array<{ name: string; version: string; state: string }> }>(client.RepositoryIndex.bind(client) as never, {});
    expect(index.models.map((m) => m.name).sort()).toEqual(['identity', 'mlp']);
  });

  it('serves raw_input_contents equal to running the model directly', async () => {
    const rows = 3;
    const x = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(i) * 2);
    const res = await inferFp32(client, 'mlp', [{ name: fx.mlpInput, shape: [rows, 4], values: x }]);
    expect(res.model_version).toBe('1');
    expect(res.outputs[0]!.shape).toEqual([rows, 3]);
    expect(Array.from(asFloat32(res.outputs[0]!.data))).toEqual(Array.from(await mlpDirect(x, rows)));
  });

  it('serves typed contents (fp32_contents) the same', async () => {
    const values = [0.5, -1, 2, 3.25];
    const res = await callUnary<object, { outputs: Array<{ shape: number[] }>; raw_output_contents: Buffer[] }>(client.ModelInfer.bind(client) as never, {
      model_name: 'identity',
      inputs: [{ name: fx.identityInput, datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: values } }],
    }, { deadline: deadlineIn(10_000) });
    expect(res.outputs[0]!.shape).toEqual([1, 4]);
    expect(Array.from(asFloat32(res.raw_output_contents[0]!))).toEqual(values);
  });

  it('serves HTTP/JSON and the binary tensor extension', async () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const res = await fetch(`${stack.gateway.httpUrl}/v2/models/mlp/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'r1', inputs: [{ name: fx.mlpInput, datatype: 'FP32', shape: [2, 4], data: x }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; model_version: string; outputs: Array<{ shape: number[]; data: number[] }> };
    expect(body.id).toBe('r1');
    const direct = await mlpDirect(Float32Array.from(x), 2);
    expect(body.outputs[0]!.shape).toEqual([2, 3]);
    body.outputs[0]!.data.forEach((v, i) => expect(v).toBeCloseTo(direct[i]!, 6));

    // Binary: JSON header then raw little-endian FP32, asking for binary output back.
    const header = Buffer.from(JSON.stringify({
      inputs: [{ name: fx.mlpInput, datatype: 'FP32', shape: [2, 4], parameters: { binary_data_size: 32 } }],
      outputs: [{ name: fx.mlpOutput, parameters: { binary_data: true } }],
    }));
    const data = Buffer.from(Float32Array.from(x).buffer);
    const bin = await fetch(`${stack.gateway.httpUrl}/v2/models/mlp/versions/1/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
      body: Buffer.concat([header, data]),
    });
    expect(bin.status).toBe(200);
    const headerLen = Number(bin.headers.get('inference-header-content-length'));
    const raw = Buffer.from(await bin.arrayBuffer());
    expect(Array.from(asFloat32(raw.subarray(headerLen)))).toEqual(Array.from(direct));

    const meta = (await (await fetch(`${stack.gateway.httpUrl}/v2/models/mlp`)).json()) as { name: string };
    expect(meta.name).toBe('mlp');
    expect((await fetch(`${stack.gateway.httpUrl}/v2/health/ready`)).status).toBe(200);
  });

  it('answers concurrent requests each with its own answer, and counts every one in the batch statistics', async () => {
    const n = 48;
    const inputs = Array.from({ length: n }, (_, i) => Float32Array.from({ length: 4 }, (_, j) => i * 10 + j));
    const results = await Promise.all(inputs.map((x) => inferFp32(client, 'identity', [{ name: fx.identityInput, shape: [1, 4], values: x }])));
    results.forEach((r, i) => expect(Array.from(asFloat32(r.outputs[0]!.data))).toEqual(Array.from(inputs[i]!)));
    // Workers add their counts to the statistics every flush period (1 s by default).
    let sizes: number[] = [];
    let executed = 0;
    await waitFor(async () => {
      const stats = await callUnary<object, { model_stats: Array<{ name: string; batch_stats: Array<{ batch_size: number }> }> }>(
        client.ModelStatistics.bind(client) as never, { name: 'identity', version: '' });
      const rows = stats.model_stats[0]!.batch_stats as Array<{ batch_size: number; compute_infer?: { count?: number | string } }>;
      sizes = rows.map((b) => Number(b.batch_size));
      executed = rows.reduce((sum, b) => sum + Number(b.batch_size) * Number(b.compute_infer?.count ?? 0), 0);
      return executed >= n;
    }, 10_000, 'identity statistics for every request');
    // Batching is work-conserving: how many of these share a run depends on how fast the worker drains them
    // (the worker e2e test checks that a backlog is batched); every request is counted either way.
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
  });

  it('streams: ModelStreamInfer answers each request, an error answers only its own request', async () => {
    const call = client.ModelStreamInfer();
    const responses: Array<{ error_message: string; infer_response?: { id: string; raw_output_contents: Buffer[] } }> = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (r: (typeof responses)[number]) => responses.push(r));
      call.on('end', () => resolve());
      call.on('error', reject);
    });
    const x = Float32Array.from([1, 2, 3, 4]);
    const raw = Buffer.from(x.buffer);
    call.write({ id: 'a', model_name: 'identity', inputs: [{ name: fx.identityInput, datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [raw] });
    call.write({ id: 'bad', model_name: 'identity', inputs: [{ name: fx.identityInput, datatype: 'FP32', shape: [1, 5] }], raw_input_contents: [raw] });
    call.write({ id: 'b', model_name: 'identity', inputs: [{ name: fx.identityInput, datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [raw] });
    call.end();
    await done;
    expect(responses).toHaveLength(3);
    const byId = new Map(responses.map((r) => [r.infer_response?.id, r]));
    expect(byId.get('bad')!.error_message).toMatch(/tensor 'x': .*expected 20 bytes \(shape \[1,5\]/);
    for (const id of ['a', 'b']) {
      expect(byId.get(id)!.error_message).toBe('');
      expect(Array.from(asFloat32(byId.get(id)!.infer_response!.raw_output_contents[0]!))).toEqual([1, 2, 3, 4]);
    }
  });

  it('promotes and rolls back under load without failing a request, within a second', async () => {
    const v2 = await uploadModel(registry, { model: 'mlp', file: fx.mlpV2, config: { batching: { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 1000, preferred_batch_sizes: [] } } });
    expect(v2.version).toBe(2);
    const x = Float32Array.from([1, 0, -1, 0.5]);
    let failures = 0;
    const seen: Array<{ atMs: number; version: string }> = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const batch = await Promise.allSettled(Array.from({ length: 4 }, () => inferFp32(client, 'mlp', [{ name: fx.mlpInput, shape: [1, 4], values: x }])));
        for (const r of batch) {
          if (r.status === 'rejected') failures++;
          else seen.push({ atMs: Date.now(), version: r.value.model_version });
        }
        // Yield to timers: if calls ever fail at once (client closed), this loop must not starve the test.
        await new Promise((r) => setImmediate(r));
      }
    })();
    let promotedAt = 0;
    let rolledAt = 0;
    let firstV2 = 0;
    let firstV1 = 0;
    try {
      await new Promise((r) => setTimeout(r, 500));
      promotedAt = Date.now();
      await setAlias(registry, 'mlp', 'production', [{ version: 2, weight: 100 }]);
      await waitFor(() => seen.some((s) => s.atMs > promotedAt && s.version === '2'), 5000, 'v2 served');
      firstV2 = seen.find((s) => s.atMs > promotedAt && s.version === '2')!.atMs;
      await new Promise((r) => setTimeout(r, 500));
      rolledAt = Date.now();
      await rollbackAlias(registry, 'mlp', 'production');
      await waitFor(() => seen.some((s) => s.atMs > rolledAt && s.version === '1'), 5000, 'v1 served again');
      firstV1 = seen.find((s) => s.atMs > rolledAt && s.version === '1')!.atMs;
    } finally {
      running = false;
      await load;
    }
    expect(failures).toBe(0);
    expect(firstV2 - promotedAt).toBeLessThan(1000);
    expect(firstV1 - rolledAt).toBeLessThan(1000);
    // After the switch settles, only the promoted version answers.
    const settled = seen.filter((s) => s.atMs > rolledAt + 1000);
    expect(settled.every((s) => s.version === '1')).toBe(true);
  });

  it('honours a canary split on an alias', async () => {
    await setAlias(registry, 'mlp', 'canary', [{ version: 1, weight: 50 }, { version: 2, weight: 50 }]);
    const x = Float32Array.from([0, 1, 2, 3]);
    const versions = await Promise.all(Array.from({ length: 40 }, () => inferFp32(client, 'mlp', [{ name: fx.mlpInput, shape: [1, 4], values: x }], { version: 'canary' }).then((r) => r.model_version)));
    expect(new Set(versions)).toEqual(new Set(['1', '2']));
  });

  it('counts requests in Prometheus metrics', async () => {
    const text = await (await fetch(stack.gateway.metricsUrl)).text();
    expect(text).toMatch(/maas_requests_total\{[^}]*model="mlp",version="1",outcome="ok",protocol="grpc"[^}]*\} \d+/);
    expect(text).toMatch(/maas_request_duration_seconds_bucket\{[^}]*model="identity"[^}]*\} \d+/);
  });

  it('propagates the client deadline: an expired request is DEADLINE_EXCEEDED, never a hang', async () => {
    const started = Date.now();
    await expect(inferFp32(client, 'mlp', [{ name: fx.mlpInput, shape: [1, 4], values: new Float32Array(4) }], { timeoutMs: 1 })).rejects.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
