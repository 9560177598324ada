import { Redis } from 'ioredis';
import { ResourceExhaustedError } from '@maas/errors';
import { silentLogger } from '@maas/logging';
import { connectRedis, keys } from '@maas/queue';
import { startRedis, waitFor, type RedisHandle } from '@maas/testing';
import { InferenceStats } from './inference-stats';
import { DEFAULT_VERSION_SETTINGS, type VersionInfo } from './model-source';
import { parseCommand, ResidencyPublisher, type ResidencyRecord } from './residency';

// The residency record and the statistics hash against a real Redis: what the gateway reads.

let redis: RedisHandle;
let admin: Redis;
const logger = silentLogger();
const info = (model: string, version = 1): VersionInfo => ({ model, version, sha256: '', sizeBytes: 10, batchDim: true, settings: DEFAULT_VERSION_SETTINGS });

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
}, 30_000);
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

async function readRecord(workerId: string): Promise<ResidencyRecord | undefined> {
  const text = await admin.get(keys.residency(workerId));
  return text ? (JSON.parse(text) as ResidencyRecord) : undefined;
}

describe('ResidencyPublisher', () => {
  it('publishes served, loading, loaded and failed versions, follows commands, expires, and deletes on stop', async () => {
    const conn = connectRedis(redis.url, 'w1', logger);
    await conn.connect();
    const served = ['a:1', 'b:1', 'c:2'];
    const commands: string[] = [];
    const publisher = new ResidencyPublisher({ redis: conn, workerId: 'w1', pool: 'gpu', executionProvider: 'cuda', intervalMs: 200, logger });
    await publisher.start({
      servedKeys: () => served,
      load: async (model, version) => {
        commands.push(`load ${model}:${version}`);
        publisher.onLoaded(info(model, version), 'cuda');
      },
      unload: async (model, version) => {
        commands.push(`unload ${model}:${version}`);
        publisher.onUnloaded(info(model, version));
      },
    });
    publisher.onLoading(info('a'));
    publisher.onLoaded(info('a'), 'cuda');
    publisher.onLoading(info('b'));
    publisher.onLoadFailed(info('b'), new ResourceExhaustedError('needs more than the budget'));
    await waitFor(async () => (await readRecord('w1'))?.versions.find((v) => v.model === 'b')?.state === 'failed', 5000, 'record with the failure');
    const record = (await readRecord('w1'))!;
    expect(record).toMatchObject({ workerId: 'w1', pool: 'gpu', executionProvider: 'cuda' });
    expect(record.versions).toEqual([
      { model: 'a', version: 1, state: 'loaded', executionProvider: 'cuda' },
      { model: 'b', version: 1, state: 'failed', error: 'needs more than the budget', errorCode: 8, errorUnixMs: expect.any(Number) as number },
      { model: 'c', version: 2, state: 'idle' },
    ]);
    expect(await admin.zscore(keys.residencyIndex(), 'w1')).toBe(String(record.expiresUnixMs));
    const ttl = await admin.pttl(keys.residency('w1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);

    await admin.publish(keys.workerControl(), JSON.stringify({ op: 'load', model: 'c', version: 2 }));
    await admin.publish(keys.workerControl(), 'not json');
    await waitFor(async () => (await readRecord('w1'))?.versions.find((v) => v.model === 'c')?.state === 'loaded', 5000, 'c loaded by command');
    await admin.publish(keys.workerControl(), JSON.stringify({ op: 'unload', model: 'a', version: 1 }));
    await waitFor(async () => (await readRecord('w1'))?.versions.find((v) => v.model === 'a')?.state === 'idle', 5000, 'a unloaded by command');
    expect(commands).toEqual(['load c:2', 'unload a:1']);

    await publisher.stop();
    expect(await admin.exists(keys.residency('w1'))).toBe(0);
    expect(await admin.zscore(keys.residencyIndex(), 'w1')).toBeNull();
    conn.disconnect();
  });

  it('lets the record expire when the worker stops writing (a killed worker stops counting)', async () => {
    const conn = connectRedis(redis.url, 'w2', logger);
    await conn.connect();
    const publisher = new ResidencyPublisher({ redis: conn, workerId: 'w2', pool: 'default', executionProvider: 'cpu', intervalMs: 100, logger });
    await publisher.start({ servedKeys: () => ['a:1'], load: async () => undefined, unload: async () => undefined });
    expect(await readRecord('w2')).toBeDefined();
    conn.disconnect(); // as if the process died: no more heartbeats, no delete
    await waitFor(async () => (await admin.exists(keys.residency('w2'))) === 0, 5000, 'record expired');
    await publisher.stop(); // closes its control subscription
  });
});

describe('parseCommand', () => {
  it('accepts load and unload of a named version only', () => {
    expect(parseCommand('{"op":"load","model":"m","version":3}')).toEqual({ op: 'load', model: 'm', version: 3 });
    expect(parseCommand('{"op":"drop","model":"m","version":3}')).toBeUndefined();
    expect(parseCommand('{"op":"load","model":"","version":3}')).toBeUndefined();
    expect(parseCommand('{"op":"load","model":"m","version":0}')).toBeUndefined();
    expect(parseCommand('[1]')).toBeUndefined();
  });
});

describe('InferenceStats', () => {
  it('sums two workers\' executions in one hash: per-request compute counts, per-execution batch counts', async () => {
    const c1 = connectRedis(redis.url, 's1', logger);
    const c2 = connectRedis(redis.url, 's2', logger);
    await Promise.all([c1.connect(), c2.connect()]);
    const s1 = new InferenceStats(c1, logger);
    const s2 = new InferenceStats(c2, logger);
    s1.recordExecution('m', 1, [1000, 3000], 4, { inputNs: 10, inferNs: 100, outputNs: 20 });
    s2.recordExecution('m', 1, [500], 1, { inputNs: 1, inferNs: 50, outputNs: 2 });
    s2.recordExecution('m', 1, [500], 1, { inputNs: 1, inferNs: 50, outputNs: 2 });
    await Promise.all([s1.flush(), s2.flush()]);
    const hash = await admin.hgetall(keys.versionStats('m', 1));
    expect(hash).toMatchObject({
      inference_count: '6', execution_count: '3', queue_count: '4', queue_ns: '5000',
      compute_input_count: '4', compute_input_ns: String(10 * 2 + 1 + 1), compute_infer_count: '4', compute_infer_ns: String(100 * 2 + 50 + 50), compute_output_count: '4', compute_output_ns: String(20 * 2 + 2 + 2),
      'batch:4:count': '1', 'batch:4:compute_infer_ns': '100', 'batch:1:count': '2', 'batch:1:compute_infer_ns': '100',
    });
    expect(await admin.ttl(keys.versionStats('m', 1))).toBeGreaterThan(0);
    await Promise.all([s1.stop(), s2.stop()]);
    c1.disconnect();
    c2.disconnect();
  });
});
