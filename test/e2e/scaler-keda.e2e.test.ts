import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolveResponse__Output } from '@maas/protos';
import { silentLogger } from '@maas/logging';
import { JobConsumer, JobProducer, type JobRequest } from '@maas/queue';
import { freePort, startRedis, startServiceProcess, waitFor, type ManagedProcess, type RedisHandle } from '@maas/testing';
import { identityModel } from '../fixtures/models/onnx-builder';
import { startRegistry, tempDir, upload, type RegistryUnderTest } from './registry-harness';

/**
 * The backlog a KEDA pool's metrics-api trigger reads (GET /keda/pools/<pool> on the scaler) follows the
 * model's alias: real Redis, a real registry holding two versions, the scaler as a real process with no
 * Kubernetes API (a `signals`-only policy). Jobs go to the stream of the version the registry resolves the
 * alias to, as the gateway sends them; promoting the alias moves new jobs to the other version's stream and
 * the pool's value counts them at once, with no change to the scaler (or the ScaledObject). When Redis is
 * gone the endpoint answers 503, never a 0.
 */

jest.setTimeout(90_000);

const MODEL = 'ocr-keda';
const modelBytes = (graph: string): Buffer => identityModel([{ input: 'x', output: 'y', type: 'float32', shape: ['batch', 4] }], graph);

describe('scaler backlog endpoint for KEDA follows the alias (real Redis, registry, scaler)', () => {
  const dir = tempDir('scaler-keda');
  let redisServer: RedisHandle;
  let registry: RegistryUnderTest;
  let scaler: ManagedProcess | undefined;
  let backlogPort: number;
  let producer: JobProducer;
  let consumer: JobConsumer;
  const pending: Promise<unknown>[] = [];

  beforeAll(async () => {
    [redisServer, registry] = await Promise.all([startRedis(), startRegistry(path.join(dir, 'models'))]);
    for (let v = 1; v <= 2; v++) await upload(registry.client, modelBytes(`v${v}`), { model: MODEL, create_model: v === 1 });
    await registry.call('SetAlias', { model: MODEL, name: 'production', targets: [{ version: 1 }] });
    const policy = path.join(dir, 'policy.json');
    // What the chart renders for a keda pool with keda.source "scaler" (and no pool in scaler mode).
    fs.writeFileSync(policy, JSON.stringify({ pools: [], signals: { gpu: { models: [MODEL] }, other: { models: ['nothing'] } } }));
    backlogPort = await freePort();
    scaler = await startServiceProcess({
      service: 'scaler',
      grpcPort: await freePort(),
      env: {
        MAAS_DISCOVERY: 'static',
        MAAS_METRICS_PORT: String(await freePort()),
        MAAS_REDIS_URL: redisServer.url,
        MAAS_SCALER_POLICY_FILE: policy,
        MAAS_SCALER_BACKLOG_PORT: String(backlogPort),
        // The chart's default is 30 s: a promoted version's stream counts within that. 0 shows it at once.
        MAAS_SCALER_STREAM_CACHE_MS: '0',
      },
    });
    producer = new JobProducer({ redisUrl: redisServer.url, gatewayId: 'gw-1', logger: silentLogger(), defaultMaxDepth: 1000 });
    await producer.start();
    consumer = new JobConsumer({ redisUrl: redisServer.url, consumerId: 'worker-1', logger: silentLogger() });
  });

  afterAll(async () => {
    await consumer?.close();
    await producer?.close();
    await Promise.allSettled(pending);
    await scaler?.stop(5000);
    await Promise.allSettled([registry?.stop(), redisServer?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const backlog = async (pool: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`http://127.0.0.1:${backlogPort}/keda/pools/${pool}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Sends n jobs to the version the alias resolves to now, as the gateway does; returns that version. */
  const submitViaAlias = async (n: number): Promise<number> => {
    const resolved = await registry.call<unknown, ResolveResponse__Output>('Resolve', { model: MODEL, alias: 'production' });
    const version = Number(resolved.targets[0]?.version);
    for (let i = 0; i < n; i++) {
      const job: JobRequest = { id: `${version}-${i}-${Math.random()}`, model: MODEL, version, inputs: [], outputs: [], parameters: {}, deadlineUnixMs: Date.now() + 120_000, priority: 0 };
      pending.push(producer.submit(job).catch(() => undefined));
    }
    return version;
  };

  it('counts the promoted version at once, then only it once the old one drains', async () => {
    expect(await backlog('gpu')).toEqual({ status: 200, body: { pool: 'gpu', backlog: 0, waiting: 0, inFlight: 0, oldestWaitingAgeSeconds: 0, streams: 0 } });

    expect(await submitViaAlias(4)).toBe(1);
    await waitFor(async () => (await backlog('gpu')).body['backlog'] === 4, 10_000, 'backlog 4 on version 1');

    // Promotion: one registry call, nothing else changes.
    await registry.call('SetAlias', { model: MODEL, name: 'production', targets: [{ version: 2 }] });
    expect(await submitViaAlias(3)).toBe(2);
    await waitFor(async () => (await backlog('gpu')).body['backlog'] === 7, 10_000, 'backlog 7 over versions 1 and 2');
    expect((await backlog('gpu')).body['streams']).toBe(2);

    // The old version's jobs are taken and answered: the value is version 2's alone, in flight counted while taken.
    const taken = await consumer.read(MODEL, 1, 10, 100);
    expect(taken).toHaveLength(4);
    expect((await backlog('gpu')).body).toMatchObject({ backlog: 7, waiting: 3, inFlight: 4 });
    for (const d of taken) {
      await consumer.reply(d, { jobId: d.job.id, ok: true, outputs: [], workerId: 'worker-1', batchSize: 1, queueWaitMs: 0, computeMs: 0, executionProvider: 'cpu' });
    }
    expect((await backlog('gpu')).body).toMatchObject({ backlog: 3, waiting: 3, inFlight: 0 });
    expect((await backlog('other')).body).toMatchObject({ backlog: 0 });
  });

  it('answers 404 for an unknown pool and 503 (not 0) once Redis is gone', async () => {
    expect((await backlog('tpu')).status).toBe(404);
    await consumer.close();
    await producer.close();
    await redisServer.stop();
    await waitFor(async () => (await backlog('gpu')).status === 503, 20_000, 'backlog endpoint answers 503 without Redis');
    expect(String((await backlog('gpu')).body['error'])).toMatch(/cannot read the backlog of pool "gpu" from Redis/);
  });
});
