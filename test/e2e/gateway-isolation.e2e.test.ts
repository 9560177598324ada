/**
 * Tenant isolation at the gateway, gRPC and HTTP, with auth on in the gateway and the registry (the services
 * reach the registry with their own key): a key sees only the models it may use; every other model answers
 * like one that does not exist; loading and unloading need the admin role.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callUnary, deadlineIn } from '@maas/grpc-kit';
import type { GRPCInferenceServiceClient } from '@maas/protos';
import { startStack, waitFor, type Stack } from '@maas/testing';
import { hashApiKey } from '../support/api-keys';
import { prepareFixtures } from '../support/fixtures';
import { inferFp32, inferenceClient } from '../support/inference-client';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(240_000);

const KEY_A = 'tenant-a-key-own-models-only';
const KEY_B = 'tenant-b-key-own-and-shared1';
const KEY_ADMIN = 'admin-key-may-do-everything';
const KEY_SERVICE = 'service-key-of-maas-itself';

describe('gateway tenant isolation (gRPC and HTTP)', () => {
  let stack: Stack;
  let client: GRPCInferenceServiceClient;

  const md = (key: string): grpc.Metadata => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${key}`);
    return m;
  };
  const rpc = <Res>(method: keyof GRPCInferenceServiceClient & string, request: object, key: string): Promise<Res> =>
    callUnary<object, Res>((client[method] as (...a: unknown[]) => grpc.ClientUnaryCall).bind(client) as never, request, { deadline: deadlineIn(10_000) }, md(key));
  const failure = async (p: Promise<unknown>): Promise<{ code: number; details: string }> => {
    try {
      await p;
    } catch (err) {
      return { code: (err as grpc.ServiceError).code, details: (err as grpc.ServiceError).details };
    }
    throw new Error('expected the call to fail');
  };
  const http = async (method: string, route: string, key: string, body?: string) => {
    const res = await fetch(`${stack.gateway.httpUrl}${route}`, { method, headers: { authorization: `Bearer ${key}` }, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const x = { name: 'x', shape: [1, 4], values: new Float32Array([1, 2, 3, 4]) };

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-isolation-'));
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([
      { sha256: hashApiKey(KEY_A), tenant: 'a', models: [] },
      { sha256: hashApiKey(KEY_B), tenant: 'b', models: ['shared'] },
      { sha256: hashApiKey(KEY_ADMIN), tenant: 'ops', roles: ['admin'] },
      { sha256: hashApiKey(KEY_SERVICE), tenant: 'maas', roles: ['infer'] },
    ]));
    const auth = { MAAS_AUTH_ENABLED: 'true', MAAS_AUTH_KEYS_FILE: keysFile };
    stack = await startStack({ workers: 1, env: { MAAS_API_KEY: KEY_SERVICE }, gatewayEnv: auth, registryEnv: auth });
    const fx = await prepareFixtures(stack.dir);
    const registry = registryClient(stack.registry.address);
    const batching = { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 500, preferred_batch_sizes: [] };
    for (const [model, owner] of [['model-a', 'a'], ['model-b', 'b'], ['shared', 'ops']] as const) {
      await uploadModel(registry, { model, file: fx.identity, config: { batching }, ownerTenant: owner, apiKey: KEY_ADMIN });
    }
    registry.close();
    client = inferenceClient(stack.gateway.grpcAddress);
    // Statistics rows for every model (the admin may use all).
    for (const model of ['model-a', 'model-b', 'shared']) await inferFp32(client, model, [x], { metadata: md(KEY_ADMIN) });
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('RepositoryIndex lists only the models a key may use', async () => {
    const names = async (key: string) => [...new Set((await rpc<{ models: Array<{ name: string }> }>('RepositoryIndex', {}, key)).models.map((m) => m.name))].sort();
    expect(await names(KEY_A)).toEqual(['model-a']);
    expect(await names(KEY_B)).toEqual(['model-b', 'shared']);
    expect(await names(KEY_ADMIN)).toEqual(['model-a', 'model-b', 'shared']);
  });

  it('metadata, config and statistics of another tenant\'s model answer exactly like an unknown model', async () => {
    for (const method of ['ModelMetadata', 'ModelConfig', 'ModelStatistics'] as const) {
      const hidden = await failure(rpc(method, { name: 'model-b', version: '' }, KEY_A));
      const unknown = await failure(rpc(method, { name: 'no-such-model', version: '' }, KEY_A));
      expect(hidden.code).toBe(grpc.status.NOT_FOUND);
      expect(unknown.code).toBe(grpc.status.NOT_FOUND);
      expect(hidden.details.replace('model-b', 'X')).toBe(unknown.details.replace('no-such-model', 'X'));
      await expect(rpc(method, { name: 'model-a', version: '' }, KEY_A)).resolves.toBeDefined();
    }
    expect((await rpc<{ ready: boolean }>('ModelReady', { name: 'model-b', version: '' }, KEY_A)).ready).toBe(false);
    expect((await rpc<{ ready: boolean }>('ModelReady', { name: 'model-a', version: '' }, KEY_A)).ready).toBe(true);
    expect((await rpc<{ ready: boolean }>('ModelReady', { name: 'shared', version: '' }, KEY_B)).ready).toBe(true);
    const all = await rpc<{ model_stats: Array<{ name: string }> }>('ModelStatistics', { name: '', version: '' }, KEY_A);
    expect([...new Set(all.model_stats.map((s) => s.name))]).toEqual(['model-a']);
    expect((await failure(inferFp32(client, 'model-b', [x], { metadata: md(KEY_A) }))).code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('RepositoryModelLoad/Unload need the admin role', async () => {
    // Unload first, so model-a ends loaded (an unloaded version is not ready until a request or a load brings it back).
    for (const method of ['RepositoryModelUnload', 'RepositoryModelLoad'] as const) {
      const denied = await failure(rpc(method, { model_name: 'model-a' }, KEY_A));
      expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(denied.details).toMatch(/needs the "admin" role/);
      await expect(rpc(method, { model_name: 'model-a' }, KEY_ADMIN)).resolves.toEqual({});
    }
  });

  it('the HTTP routes behave the same', async () => {
    const index = await http('POST', '/v2/repository/index', KEY_A, '{}');
    expect(index.status).toBe(200);
    expect([...new Set((index.body as unknown as Array<{ name: string }>).map((r) => r.name))]).toEqual(['model-a']);
    for (const route of ['/v2/models/model-b', '/v2/models/model-b/config', '/v2/models/model-b/stats', '/v2/models/model-b/versions/1']) {
      const hidden = await http('GET', route, KEY_A);
      const unknown = await http('GET', route.replace('model-b', 'no-such-model'), KEY_A);
      expect([route, hidden.status]).toEqual([route, 404]);
      expect(unknown.status).toBe(404);
      expect(String(hidden.body['error']).replace('model-b', 'X')).toBe(String(unknown.body['error']).replace('no-such-model', 'X'));
    }
    expect((await http('GET', '/v2/models/model-a', KEY_A)).status).toBe(200);
    const ready = await http('GET', '/v2/models/model-b/ready', KEY_A);
    // The same answer as for a model that does not exist.
    expect(ready).toEqual({ status: 400, body: { name: 'model-b', ready: false, error: 'model "model-b" is not ready: see /v2/repository/index for why' } });
    // Ready means a worker holds it (loaded within the change feed's latency after upload).
    await waitFor(async () => (await http('GET', '/v2/models/model-a/ready', KEY_A)).status === 200, 15_000, 'model-a ready');
    const stats = await http('GET', '/v2/models/stats', KEY_A);
    expect([...new Set((stats.body['model_stats'] as Array<{ name: string }>).map((s) => s.name))]).toEqual(['model-a']);
    expect((await http('POST', '/v2/repository/models/model-a/load', KEY_A, '{}')).status).toBe(403);
    expect((await http('POST', '/v2/repository/models/model-a/unload', KEY_A, '{}')).status).toBe(403);
    expect((await http('POST', '/v2/repository/models/model-a/load', KEY_ADMIN, '{}')).status).toBe(200);
    const infer = await http('POST', '/v2/models/model-b/infer', KEY_A, JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }));
    expect(infer.status).toBe(403);
  });

  it('the services reach the registry with their own key: without one the registry refuses them', async () => {
    // The worker and the gateway only work above because they sent MAAS_API_KEY; a caller without a key is refused.
    const registry = registryClient(stack.registry.address);
    try {
      await expect(callUnary(registry.ListModels.bind(registry) as never, {})).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    } finally {
      registry.close();
    }
  });
});
