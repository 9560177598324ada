/**
 * What the gateway reports about models comes from the workers, end to end with real processes: ModelReady
 * and RepositoryIndex follow the workers' residency records (READY / LOADING / UNAVAILABLE with a reason),
 * RepositoryModelLoad makes a version resident or fails with the workers' load error, RepositoryModelUnload
 * evicts it, ModelStatistics sums real queue and compute times over workers and answers NOT_FOUND for what
 * does not exist, and a worker that dies or drains stops counting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { callUnary, deadlineIn } from '@maas/grpc-kit';
import { identityModel, mlpModel, slowModel, writeModelFile } from '@maas/models';
import type { GRPCInferenceServiceClient, ModelRegistryClient } from '@maas/protos';
import { startStack, waitFor, type ServiceHandle, type Stack } from '@maas/testing';
import { inferFp32, inferenceClient } from '../support/inference-client';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(240_000);

interface IndexRow {
  name: string;
  version: string;
  state: string;
  reason: string;
}
interface Duration {
  count: number | string;
  ns: number | string;
}
interface ModelStats {
  name: string;
  version: string;
  inference_count: number | string;
  execution_count: number | string;
  inference_stats: Record<'success' | 'fail' | 'queue' | 'compute_input' | 'compute_infer' | 'compute_output', Duration>;
  batch_stats: Array<{ batch_size: number | string; compute_infer: Duration }>;
}

const BUDGET_BYTES = 200_000;
// Served by pool "cpu-a" and pool "cpu-b": mlp (small) and big (over the workers' memory budget); orphan by nobody.
const WORKER_ENV = { MAAS_WORKER_MODELS: 'mlp,big', MAAS_WORKER_MEMORY_BUDGET_BYTES: String(BUDGET_BYTES), MAAS_WORKER_RESIDENCY_INTERVAL_MS: '300', MAAS_WORKER_STATS_FLUSH_MS: '200' };

describe('readiness, repository and statistics from the workers', () => {
  let stack: Stack;
  let client: GRPCInferenceServiceClient;
  let registry: ModelRegistryClient;
  const workers: Array<ServiceHandle & { id: string }> = [];

  const unary = <Res>(method: keyof GRPCInferenceServiceClient & string, req: object, timeoutMs = 20_000): Promise<Res> =>
    callUnary<object, Res>((client[method] as unknown as (...a: unknown[]) => never).bind(client) as never, req, { deadline: deadlineIn(timeoutMs) });
  const index = async (): Promise<Map<string, IndexRow>> => new Map((await unary<{ models: IndexRow[] }>('RepositoryIndex', {})).models.map((m) => [`${m.name}:${m.version}`, m]));
  const ready = async (name: string, version = ''): Promise<boolean> => (await unary<{ ready: boolean }>('ModelReady', { name, version })).ready;
  const failure = async (p: Promise<unknown>): Promise<ServiceError> => {
    try {
      await p;
    } catch (err) {
      return err as ServiceError;
    }
    throw new Error('expected the call to fail');
  };
  const metric = async (url: string, name: string, labels: Record<string, string>): Promise<number | undefined> => {
    const text = await (await fetch(url)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  beforeAll(async () => {
    stack = await startStack({ workers: 0 });
    registry = registryClient(stack.registry.address);
    client = inferenceClient(stack.gateway.grpcAddress);
    const dir = path.join(stack.dir, 'fixtures');
    fs.mkdirSync(dir, { recursive: true });
    const batching = { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 5000, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'mlp', file: writeModelFile(path.join(dir, 'mlp.onnx'), mlpModel()), config: { batching } });
    await uploadModel(registry, { model: 'big', file: writeModelFile(path.join(dir, 'big.onnx'), slowModel({ size: 300, layers: 1 })) });
    await uploadModel(registry, { model: 'orphan', file: writeModelFile(path.join(dir, 'orphan.onnx'), identityModel()) });
    expect(fs.statSync(path.join(dir, 'big.onnx')).size).toBeGreaterThan(BUDGET_BYTES);
    workers.push(await stack.addWorker({ ...WORKER_ENV, MAAS_WORKER_POOL: 'cpu-a' }));
    await waitFor(async () => (await fetch(`${stack.gateway.httpUrl}/v2/health/ready`)).ok, 30_000, 'gateway ready');
  });
  afterAll(async () => {
    client?.close();
    registry?.close();
    await stack?.stop();
  });

  it('RepositoryIndex and ModelReady tell loaded, served-but-not-loaded and unserved versions apart', async () => {
    // The worker preloads what fits its budget (mlp) and leaves big for its first request.
    await waitFor(async () => (await index()).get('mlp:1')?.state === 'READY', 20_000, 'mlp READY');
    const rows = await index();
    expect(rows.get('mlp:1')).toEqual({ name: 'mlp', version: '1', state: 'READY', reason: '' });
    expect(rows.get('big:1')).toMatchObject({ state: 'UNAVAILABLE', reason: 'not loaded: served by 1 worker of pool cpu-a; it loads on its next request or on RepositoryModelLoad' });
    expect(rows.get('orphan:1')).toMatchObject({ state: 'UNAVAILABLE', reason: 'no live worker serves this version (see MAAS_WORKER_MODELS of the worker pools)' });
    const readyOnly = (await unary<{ models: IndexRow[] }>('RepositoryIndex', { ready: true })).models;
    expect(readyOnly.map((m) => `${m.name}:${m.version}`)).toEqual(['mlp:1']);
    expect(await ready('mlp')).toBe(true);
    expect(await ready('mlp', '1')).toBe(true);
    expect(await ready('big')).toBe(false);
    expect(await ready('orphan')).toBe(false);
    expect(await ready('nope')).toBe(false);
    // HTTP says the same.
    expect((await fetch(`${stack.gateway.httpUrl}/v2/models/mlp/ready`)).status).toBe(200);
    expect((await fetch(`${stack.gateway.httpUrl}/v2/models/big/ready`)).status).toBe(400);
  });

  it('RepositoryModelLoad fails with the workers\' load error, and the index shows it', async () => {
    const err = await failure(unary('RepositoryModelLoad', { model_name: 'big' }));
    expect(err.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(/^model big v1 could not be loaded on worker worker-1 \(pool cpu-a\): .*more than this worker's whole memory budget of 200000 bytes/);
    const row = (await index()).get('big:1')!;
    expect(row.state).toBe('UNAVAILABLE');
    expect(row.reason).toMatch(/^load failed on worker worker-1 \(pool cpu-a\): model big v1 needs \d+ bytes/);
    expect(await metric(workers[0]!.metricsUrl, 'maas_model_load_failures_total', { model: 'big', version: '1' })).toBeGreaterThanOrEqual(1);

    const orphan = await failure(unary('RepositoryModelLoad', { model_name: 'orphan' }));
    expect(orphan.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(orphan.details).toContain('no live worker serves model "orphan"');
    const missing = await failure(unary('RepositoryModelLoad', { model_name: 'nope' }));
    expect(missing.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('RepositoryModelUnload evicts a version from the workers; RepositoryModelLoad brings it back; a request loads it on demand', async () => {
    await unary('RepositoryModelUnload', { model_name: 'mlp' });
    // The answer comes once no worker holds it: no waiting here.
    expect(await ready('mlp')).toBe(false);
    expect((await index()).get('mlp:1')).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/^not loaded: served by 1 worker/) as string });
    expect(await metric(workers[0]!.metricsUrl, 'maas_model_loaded_bytes', { model: 'mlp', version: '1' })).toBeUndefined();

    await unary('RepositoryModelLoad', { model_name: 'mlp' });
    expect(await ready('mlp')).toBe(true);
    expect(await metric(workers[0]!.metricsUrl, 'maas_model_loaded_bytes', { model: 'mlp', version: '1' })).toBeGreaterThan(0);

    await unary('RepositoryModelUnload', { model_name: 'mlp' });
    expect(await ready('mlp')).toBe(false);
    const res = await inferFp32(client, 'mlp', [{ name: 'x', shape: [2, 4], values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }]);
    expect(res.outputs[0]!.shape).toEqual([2, 3]);
    await waitFor(() => ready('mlp'), 10_000, 'mlp ready again after a request loaded it');
  });

  it('ModelStatistics sums real queue and compute times over two workers and answers NOT_FOUND for unknown models', async () => {
    workers.push(await stack.addWorker({ ...WORKER_ENV, MAAS_WORKER_POOL: 'cpu-b' }));
    await waitFor(async () => (await unary<{ models: IndexRow[] }>('RepositoryIndex', {})).models.length > 0 && (await index()).get('mlp:1')?.state === 'READY', 20_000, 'mlp READY');
    // The starting counts once earlier requests' counts are flushed (the gateway and workers add theirs to Redis
    // every second): unchanged over a read 1.5 s later. Read too early, a request of the test before lands in the
    // window and the sums come out one over.
    const read = async (): Promise<ModelStats> => (await unary<{ model_stats: ModelStats[] }>('ModelStatistics', { name: 'mlp', version: '1' })).model_stats[0]!;
    let before = await read();
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      const again = await read();
      const settled = again.inference_stats.success.count === before.inference_stats.success.count && again.inference_stats.queue.count === before.inference_stats.queue.count;
      before = again;
      if (settled) break;
    }
    const n = 60;
    await Promise.all(Array.from({ length: n }, (_, i) => inferFp32(client, 'mlp', [{ name: 'x', shape: [2, 4], values: Float32Array.from({ length: 8 }, (_, j) => i + j) }])));
    const jobsOk = async (): Promise<number> => {
      let total = 0;
      for (const w of workers) total += (await metric(w.metricsUrl, 'maas_worker_jobs_total', { model: 'mlp', version: '1', outcome: 'ok' })) ?? 0;
      return total;
    };
    const successBefore = Number(before.inference_stats.success.count);
    let stats: ModelStats | undefined;
    let seen = '';
    await waitFor(async () => {
      stats = (await unary<{ model_stats: ModelStats[] }>('ModelStatistics', { name: 'mlp', version: '1' })).model_stats[0];
      const ok = await jobsOk();
      seen = `success ${stats?.inference_stats.success.count} (want ${successBefore + n}), queue ${stats?.inference_stats.queue.count} (want the workers' ok jobs, ${ok})`;
      return Number(stats?.inference_stats.success.count) === successBefore + n && Number(stats?.inference_stats.queue.count) === ok;
    }, 10_000, 'statistics flushed by the workers and the gateway').catch((err: Error) => {
      throw new Error(`${err.message}; last seen: ${seen}`);
    });
    const s = stats!.inference_stats;
    // Every request counted once in each compute phase, with real (non-zero) times; queue counts equal the jobs
    // the workers answered, summed over both workers.
    expect(Number(s.compute_input.count)).toBe(Number(s.queue.count));
    expect(Number(s.compute_infer.count)).toBe(Number(s.queue.count));
    expect(Number(s.compute_output.count)).toBe(Number(s.queue.count));
    for (const phase of ['compute_input', 'compute_infer', 'compute_output', 'queue', 'success'] as const) expect(Number(s[phase].ns)).toBeGreaterThan(0);
    expect(Number(stats!.inference_count) - Number(before.inference_count)).toBe(2 * n);
    const executions = stats!.batch_stats.reduce((sum, b) => sum + Number(b.compute_infer.count), 0);
    expect(executions).toBe(Number(stats!.execution_count));
    expect(stats!.batch_stats.every((b) => Number(b.batch_size) % 2 === 0)).toBe(true); // batch sizes are rows: every request here has 2

    for (const req of [{ name: 'nope', version: '' }, { name: 'nope', version: '1' }, { name: 'mlp', version: '9' }]) {
      const err = await failure(unary('ModelStatistics', req));
      expect(err.code).toBe(GrpcStatus.NOT_FOUND);
    }
    expect((await fetch(`${stack.gateway.httpUrl}/v2/models/nope/stats`)).status).toBe(404);
  });

  it('a typo\'d model mints no series and no statistics entry', async () => {
    await failure(inferFp32(client, 'mlpp', [{ name: 'x', shape: [1, 4], values: new Float32Array(4) }], { version: '1' }));
    expect(await metric(stack.gateway.metricsUrl, 'maas_requests_total', { model: 'unresolved', version: 'none', outcome: 'not_found' })).toBeGreaterThanOrEqual(1);
    expect(await (await fetch(stack.gateway.metricsUrl)).text()).not.toContain('model="mlpp"');
    const all = (await unary<{ model_stats: ModelStats[] }>('ModelStatistics', { name: '', version: '' })).model_stats;
    expect(all.map((m) => m.name).sort()).toEqual(['big', 'mlp', 'orphan']);
  });

  it('a worker that drains stops counting at once, one that dies within its record TTL', async () => {
    const [a, b] = workers;
    await b!.process.stop(10_000);
    await waitFor(async () => (await index()).get('mlp:1')?.reason === '', 5000, 'still READY on worker-1');
    expect(await ready('mlp')).toBe(true);
    await a!.process.kill();
    const killedAt = Date.now();
    await waitFor(async () => !(await ready('mlp')), 10_000, 'mlp not ready once its last worker died');
    expect(Date.now() - killedAt).toBeLessThan(8000); // record TTL: 3 × 300 ms (generous: a loaded machine)
    expect((await index()).get('mlp:1')?.reason).toBe('no live worker serves this version (see MAAS_WORKER_MODELS of the worker pools)');
  });
});
