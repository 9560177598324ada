/**
 * @maas/client against the real platform (Redis, Consul, registry, worker, gateway as processes): typed tensors
 * in and out, the metadata RPCs, ModelStreamInfer, deadlines, AbortSignal, API keys, named errors carrying the
 * gateway's code and message, and retries on RESOURCE_EXHAUSTED (a real rate limit) but never on INVALID_ARGUMENT.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import {
  CancelledError,
  DeadlineExceededError,
  InferenceClient,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
} from '@maas/client';
import { buildModel, writeModelFile } from '@maas/models';
import { startStack, type Stack } from '@maas/testing';
import { hashApiKey } from '../support/api-keys';
import { prepareFixtures } from '../support/fixtures';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(180_000);

const KEY = 'client-sdk-key-0123456789';
const KEY_SLOW = 'client-sdk-slow-key-0123';
const KEY_OTHER = 'client-sdk-other-key-0123';

describe('@maas/client against a real gateway', () => {
  let stack: Stack;
  let client: InferenceClient;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-client-'));
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([
      { sha256: hashApiKey(KEY), tenant: 'tenant-a', models: ['*'] },
      { sha256: hashApiKey(KEY_SLOW), tenant: 'tenant-a', models: ['*'], rateLimitPerSecond: 2, burst: 1 },
      { sha256: hashApiKey(KEY_OTHER), tenant: 'tenant-b', models: ['mlp'] },
    ]));
    stack = await startStack({ workers: 1, gatewayEnv: { MAAS_AUTH_ENABLED: 'true', MAAS_AUTH_KEYS_FILE: keysFile } });
    const fx = await prepareFixtures(stack.dir);
    const int64Identity = writeModelFile(path.join(stack.dir, 'identity-int64.onnx'), buildModel({
      name: 'identity-int64',
      inputs: [{ name: 'ids', type: 'int64', dims: ['batch', 3] }],
      outputs: [{ name: 'same', type: 'int64', dims: ['batch', 3] }],
      nodes: [{ op: 'Identity', inputs: ['ids'], outputs: ['same'] }],
    }));
    const registry = registryClient(stack.registry.address);
    const batching = { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 1000, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching } });
    await uploadModel(registry, { model: 'identity-int64', file: int64Identity, config: { batching } });
    registry.close();
    client = new InferenceClient({ address: stack.gateway.grpcAddress, apiKey: KEY });
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('infers in three lines: a Float32Array in, a Float32Array out', async () => {
    const r = await client.infer('identity', { x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
    expect(r.outputs['y']!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(r.outputs['y']!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(r).toMatchObject({ modelName: 'identity', modelVersion: '1' });
    expect(r.outputs['y']!.shape).toEqual([1, 4]);
  });

  it('carries INT64 as BigInt64Array, request ids and a version', async () => {
    const ids = new BigInt64Array([1n, -2n, 9007199254740993n, 4n, 5n, 6n]);
    const r = await client.infer('identity-int64', { ids: { datatype: 'INT64', shape: [2, 3], data: ids } }, { id: 'req-42', version: '1' });
    expect(r.id).toBe('req-42');
    expect(r.outputs['same']!.data).toEqual(ids);
  });

  it('answers the metadata RPCs', async () => {
    expect(await client.serverLive()).toBe(true);
    expect(await client.serverReady()).toBe(true);
    expect((await client.serverMetadata()).name).toBe('maas');
    expect(await client.modelReady('identity')).toBe(true);
    expect(await client.modelReady('nope')).toBe(false);
    const meta = await client.modelMetadata('identity');
    expect(meta).toMatchObject({ name: 'identity', platform: 'onnxruntime_onnx' });
    expect(meta.inputs?.[0]).toMatchObject({ name: 'x', datatype: 'FP32', shape: [-1, 4] });
    expect((await client.modelConfig('identity')).max_batch_size).toBe(16);
    // Workers and gateways add their counts to the shared statistics every flush period (1 s by default).
    let stats = await client.modelStatistics('identity');
    for (const until = Date.now() + 10_000; Number(stats[0]?.inference_count ?? 0) < 1 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 200));
      stats = await client.modelStatistics('identity');
    }
    expect(stats[0]).toMatchObject({ name: 'identity' });
    expect(Number(stats[0]!.inference_count)).toBeGreaterThanOrEqual(1);
  });

  it('streams many inferences over one ModelStreamInfer call, each answered by id', async () => {
    const stream = client.openStream();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      stream.infer('identity', { x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array([i, i, i, i]) } })));
    results.forEach((r, i) => expect(Array.from(r.outputs['y']!.data as Float32Array)).toEqual([i, i, i, i]));
    const bad = stream.infer('nope', { x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array(4) } });
    await expect(bad).rejects.toMatchObject({ code: status.UNKNOWN, message: expect.stringMatching(/nope/) });
    expect(stream.pendingCount).toBe(0);
    await stream.end();
  });

  it('rejects with named errors carrying the gRPC code and the gateway\'s message', async () => {
    const x = { datatype: 'FP32' as const, shape: [1, 4], data: new Float32Array(4) };
    const notFound = await client.infer('nope', { x }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({ code: status.NOT_FOUND, message: expect.stringMatching(/nope/) });
    const badShape = await client.infer('identity', { x: { datatype: 'FP32', shape: [1, 5], data: new Float32Array(5) } }).catch((e: unknown) => e);
    expect(badShape).toBeInstanceOf(InvalidArgumentError);
    expect(badShape).toMatchObject({ code: status.INVALID_ARGUMENT, message: expect.stringMatching(/shape \[1,5\] .*expected \[-1,4\]/) });
    const noKey = new InferenceClient({ address: stack.gateway.grpcAddress });
    await expect(noKey.infer('identity', { x })).rejects.toBeInstanceOf(UnauthenticatedError);
    noKey.close();
    const other = new InferenceClient({ address: stack.gateway.grpcAddress, apiKey: KEY_OTHER });
    await expect(other.infer('identity', { x })).rejects.toBeInstanceOf(PermissionDeniedError);
    other.close();
  });

  it('retries RESOURCE_EXHAUSTED (a rate limit) with backoff until it passes; with retries off it fails at once', async () => {
    const x = { datatype: 'FP32' as const, shape: [1, 4], data: new Float32Array(4) };
    const noRetry = new InferenceClient({ address: stack.gateway.grpcAddress, apiKey: KEY_SLOW, retry: { maxAttempts: 1 } });
    await noRetry.infer('identity', { x });
    await expect(noRetry.infer('identity', { x })).rejects.toBeInstanceOf(ResourceExhaustedError);
    noRetry.close();
    await new Promise((r) => setTimeout(r, 600));
    const retrying = new InferenceClient({ address: stack.gateway.grpcAddress, apiKey: KEY_SLOW, retry: { maxAttempts: 10, initialBackoffMs: 300, maxBackoffMs: 1000 } });
    await retrying.infer('identity', { x });
    const r = await retrying.infer('identity', { x });
    expect(r.outputs['y']!.shape).toEqual([1, 4]);
    retrying.close();
  });

  it('keeps to the deadline and stops at an AbortSignal', async () => {
    const x = { datatype: 'FP32' as const, shape: [1, 4], data: new Float32Array(4) };
    await expect(client.infer('identity', { x }, { deadline: new Date(Date.now() - 1) })).rejects.toBeInstanceOf(DeadlineExceededError);
    const abort = new AbortController();
    abort.abort(new Error('caller gave up'));
    await expect(client.infer('identity', { x }, { signal: abort.signal })).rejects.toBeInstanceOf(CancelledError);
    await expect(client.infer('identity', { x }, { timeoutMs: 5000 })).resolves.toBeDefined();
  });
});
