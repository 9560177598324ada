import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { DeadlineExceededError } from '@maas/errors';
import { silentLogger } from '@maas/logging';
import { mlpModel, mlpReference, noBatchModel, poisonModel, slowModel, writeModelFile } from '@maas/models';
import { decodeResults, JobProducer, keys, type JobRequest, type JobResult } from '@maas/queue';
import { freePort, startConsul, startRedis, startServiceProcess, waitFor, type ConsulHandle, type ManagedProcess, type RedisHandle } from '@maas/testing';

// The worker as real processes (services/worker/dist/main.js: build first) against a real Redis, with
// models from a folder (MAAS_WORKER_MODEL_DIR), driven through the gateway's JobProducer.

const SLOW = { size: 256, layers: 32 }; // ~20 ms per item, ~300 ms per batch of 16 on this machine
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-worker-models-'));
const batching = (max: number, delayUs: number): object => ({ batching: { max_batch_size: max, dynamic_batching: true, max_queue_delay_us: delayUs } });

function addModel(name: string, bytes: Uint8Array, config: object): void {
  writeModelFile(path.join(modelDir, name, '1', 'model.onnx'), bytes);
  fs.writeFileSync(path.join(modelDir, name, '1', 'config.json'), JSON.stringify(config));
}

let redis: RedisHandle;
let consul: ConsulHandle;
let admin: Redis;
let producer: JobProducer;
const processes: ManagedProcess[] = [];
let n = 0;

interface WorkerHandle {
  proc: ManagedProcess;
  metricsPort: number;
  metrics(): Promise<string>;
}

async function startWorker(models: string, env: Record<string, string> = {}): Promise<WorkerHandle> {
  const grpcPort = await freePort();
  const metricsPort = await freePort();
  const proc = await startServiceProcess({
    service: 'worker',
    grpcPort,
    env: {
      MAAS_REDIS_URL: redis.url,
      MAAS_WORKER_MODEL_DIR: modelDir,
      MAAS_WORKER_MODELS: models,
      MAAS_METRICS_PORT: String(metricsPort),
      MAAS_DISCOVERY: 'static',
      MAAS_WORKER_VISIBILITY_TIMEOUT_MS: '1500',
      MAAS_WORKER_MAX_DELIVERIES: '3',
      MAAS_WORKER_READ_BLOCK_MS: '200',
      ...env,
    },
  });
  processes.push(proc);
  return { proc, metricsPort, metrics: async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text() };
}

function metricValue(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}

function job(model: string, input: { name: string; datatype: string; shape: number[]; data: Buffer }, extra: Partial<JobRequest> = {}): JobRequest {
  return { id: `job-${++n}`, model, version: 1, inputs: [input], outputs: [], parameters: {}, deadlineUnixMs: Date.now() + 30_000, priority: 0, ...extra };
}
const f32 = (values: number[], shape: number[], name = 'x'): { name: string; datatype: string; shape: number[]; data: Buffer } => ({ name, datatype: 'FP32', shape, data: Buffer.from(new Float32Array(values).buffer) });
const slowInput = (seed: number): ReturnType<typeof f32> => f32(Array.from({ length: SLOW.size * SLOW.size }, (_, i) => ((i * 7 + seed) % 13) / 13), [1, SLOW.size, SLOW.size]);
const floats = (r: JobResult): number[] => (r.ok ? Array.from(new Float32Array(new Uint8Array(r.outputs[0]!.data).buffer)) : []);

beforeAll(async () => {
  addModel('mlp', mlpModel(), batching(16, 20_000));
  addModel('nobatch', noBatchModel(), {});
  addModel('poison', poisonModel(), batching(8, 20_000));
  for (const name of ['slow', 'slowkill', 'slowdrain']) addModel(name, slowModel(SLOW), batching(16, 2000));
  [redis, consul] = await Promise.all([startRedis(), startConsul()]);
  admin = new Redis(redis.url);
  producer = new JobProducer({ redisUrl: redis.url, gatewayId: 'e2e', logger: silentLogger(), defaultMaxDepth: 1000 });
  await producer.start();
}, 30_000);

const closeLater: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const close of closeLater) await close();
  await producer?.close();
  admin?.disconnect();
  await Promise.all(processes.map((p) => p.kill()));
  await Promise.all([redis?.stop(), consul?.stop()]);
});

jest.setTimeout(60_000);

describe('worker processes on a real Redis', () => {
  let main: WorkerHandle;

  beforeAll(async () => {
    // Asks for CUDA on a machine without it: must fall back to CPU, say so once, and tag itself ep=cpu.
    main = await startWorker('mlp,nobatch,poison,slow', {
      MAAS_WORKER_EXECUTION_PROVIDERS: 'cuda,cpu',
      MAAS_DISCOVERY: 'consul',
      MAAS_CONSUL_URL: consul.url,
      MAAS_INSTANCE_ID: 'worker-main',
    });
  }, 30_000);

  it('falls back from CUDA to CPU with one log line, a metric and a Consul tag', async () => {
    expect(main.proc.log().match(/CUDA execution provider unavailable; falling back to CPU/g)).toHaveLength(1);
    expect(metricValue(await main.metrics(), 'maas_execution_provider_fallbacks_total', { requested: 'cuda', used: 'cpu' })).toBe(1);
    const services = (await (await fetch(`${consul.url}/v1/agent/services`)).json()) as Record<string, { Service: string; Tags: string[] }>;
    expect(services['worker-main']).toMatchObject({ Service: 'maas-worker', Tags: expect.arrayContaining(['ep=cpu', 'pool=default']) });
    expect(metricValue(await main.metrics(), 'maas_models_loaded', { execution_provider: 'cpu' })).toBe(4);
  });

  it('batches 64 concurrent jobs (max batch 16) and every output equals the input run alone', async () => {
    const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), i / 64, (i % 5) - 2]);
    const results = await Promise.all(rows.map((row) => producer.submit(job('mlp', f32(row, [1, 4])))));
    const sizes = results.map((r) => (r.ok ? r.batchSize : 0));
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    const alone = [];
    for (const row of rows.slice(0, 4)) alone.push(await producer.submit(job('mlp', f32(row, [1, 4]))));
    expect(alone.map((r) => r.ok && r.batchSize)).toEqual([1, 1, 1, 1]);
    results.forEach((r, i) => {
      expect(r).toMatchObject({ ok: true, executionProvider: 'cpu' });
      floats(r).forEach((p, k) => expect(p).toBeCloseTo(mlpReference(rows[i]!)[k]!, 5));
    });
    alone.forEach((r, i) => floats(r).forEach((p, k) => expect(p).toBeCloseTo(floats(results[i]!)[k]!, 6)));
    expect(metricValue(await main.metrics(), 'maas_worker_jobs_total', { model: 'mlp', outcome: 'ok' })).toBe(68);
  });

  it('runs a model without a batch dimension one job at a time', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((v) => producer.submit(job('nobatch', f32([v, 0, -v], [3])))));
    expect(results.map((r) => r.ok && r.batchSize)).toEqual([1, 1, 1, 1]);
    expect(floats(results[2]!)).toEqual([6, 0, -6]);
  });

  it('dead-letters a poison job after 3 attempts with a clear error, without failing its neighbours', async () => {
    const index = (i: number): { name: string; datatype: string; shape: number[]; data: Buffer } => ({ name: 'index', datatype: 'INT64', shape: [1, 1], data: Buffer.from(new BigInt64Array([BigInt(i)]).buffer) });
    const good = Array.from({ length: 20 }, (_, i) => producer.submit(job('poison', index(i % 10))));
    const poison = producer.submit(job('poison', index(42)));
    const results = await Promise.all(good);
    results.forEach((r, i) => expect(floats(r)[0]).toBeCloseTo((i % 10) / 10, 5));
    const bad = await poison;
    expect(bad).toMatchObject({ ok: false, code: GrpcStatus.INTERNAL });
    expect(!bad.ok && bad.message).toMatch(/dead-letter.*failed 3 times; last error: model poison v1 failed on this input: .*out of/i);
    expect((await producer.stats('poison', 1)).deadLetters).toBe(1);
    expect(metricValue(await main.metrics(), 'maas_dead_letters_total', { model: 'poison' })).toBe(1);
  });

  it('never computes an expired job: its caller gets DEADLINE_EXCEEDED and the worker says so', async () => {
    // Enqueued behind a backlog of at least 48 unread slow jobs (three or more batches of 16) with a 20 ms
    // deadline: it reaches Redis but has expired by the time the worker gets to it, whatever the machine's
    // speed. Inputs are built first so the backlog forms faster than the worker drains it.
    const inputs = Array.from({ length: 128 }, (_, i) => job('slow', slowInput(i)));
    const busy = inputs.map((j) => producer.submit(j));
    await waitFor(async () => (await producer.stats('slow', 1)).waiting >= 48, 10_000, 'a backlog of 48 unread jobs', 1);
    await expect(producer.submit(job('slow', slowInput(99), { deadlineUnixMs: Date.now() + 20 }))).rejects.toBeInstanceOf(DeadlineExceededError);
    expect((await Promise.all(busy)).every((r) => r.ok)).toBe(true);
    await waitFor(async () => metricValue(await main.metrics(), 'maas_worker_jobs_total', { model: 'slow', outcome: 'expired' }) === 1, 5000, 'expired job counted');
    const replies = (await admin.xrangeBuffer(keys.replies('e2e'), '-', '+')).flatMap(([, fields]) => decodeResults(fields));
    expect(replies.filter((r) => !r.ok && r.code === GrpcStatus.DEADLINE_EXCEEDED)).toHaveLength(1);
    expect(metricValue(await main.metrics(), 'maas_worker_jobs_total', { model: 'slow', outcome: 'ok' })).toBe(busy.length);
  });
});

describe('crash safety', () => {
  it('SIGKILL a worker holding jobs: a second worker completes them, every caller gets exactly one reply', async () => {
    const own = new JobProducer({ redisUrl: redis.url, gatewayId: 'e2e-kill', logger: silentLogger(), defaultMaxDepth: 1000 });
    await own.start();
    closeLater.push(() => own.close()); // also when the test fails before its end
    const first = await startWorker('slowkill');
    const jobs = Array.from({ length: 40 }, (_, i) => job('slowkill', slowInput(i)));
    const results = jobs.map((j) => own.submit(j));
    await waitFor(async () => (await own.stats('slowkill', 1)).inFlight > 0, 5000, 'first worker holding jobs');
    await first.proc.kill();
    const held = (await own.stats('slowkill', 1)).inFlight;
    expect(held).toBeGreaterThan(0);
    const second = await startWorker('slowkill');
    const done = await Promise.all(results);
    expect(done.every((r) => r.ok)).toBe(true);
    const perJob = new Map<string, number>();
    // Single replies and batch replies (several results in one entry) alike.
    for (const [, fields] of await admin.xrangeBuffer(keys.replies('e2e-kill'), '-', '+')) {
      for (const { jobId } of decodeResults(fields)) perJob.set(jobId, (perJob.get(jobId) ?? 0) + 1);
    }
    expect(perJob.size).toBe(40);
    expect([...perJob.values()].every((count) => count === 1)).toBe(true);
    expect(metricValue(await second.metrics(), 'maas_worker_redeliveries_total', { model: 'slowkill' })).toBe(held);
    await own.close();
  }, 60_000);

  it('graceful SIGTERM under load loses nothing: the batch in progress finishes, gathered jobs go to the other worker', async () => {
    const leaving = await startWorker('slowdrain');
    const staying = await startWorker('slowdrain');
    const results = Array.from({ length: 48 }, (_, i) => producer.submit(job('slowdrain', slowInput(i))));
    await waitFor(async () => (await producer.stats('slowdrain', 1)).inFlight > 0, 5000, 'workers busy');
    expect(await leaving.proc.stop(15_000)).toBe(0);
    const done = await Promise.all(results);
    expect(done.filter((r) => !r.ok)).toEqual([]);
    expect(new Set(done.map((r) => r.ok && r.workerId)).size).toBeGreaterThanOrEqual(1);
    expect(leaving.proc.log()).toContain('stopped');
    // Every caller has its answer; under load a job held past this test's 1.5 s visibility timeout was also
    // reclaimed, so a released copy may still be computed (its reply is ignored). The stream drains to empty.
    await waitFor(async () => (await producer.stats('slowdrain', 1)).depth === 0, 30_000, 'the stream to drain');
    expect(await producer.stats('slowdrain', 1)).toMatchObject({ depth: 0, deadLetters: 0 });
    void staying;
  }, 60_000);
});
