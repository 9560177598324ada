import { Redis } from 'ioredis';
import { silentLogger } from '@maas/logging';
import { JobConsumer, JobProducer, keys, type JobRequest } from '@maas/queue';
import { startRedis, type RedisHandle } from '@maas/testing';
import { jobsStreamPattern, QueueSignalReader } from './queue-signals';

/** The signals reader against streams the real queue library writes and reads. */
describe('QueueSignalReader (real Redis, real queue)', () => {
  let redisServer: RedisHandle;
  let redis: Redis;
  let producer: JobProducer;
  let consumer: JobConsumer;
  const pending: Promise<unknown>[] = [];

  beforeAll(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
    producer = new JobProducer({ redisUrl: redisServer.url, gatewayId: 'gw-1', logger: silentLogger(), defaultMaxDepth: 1000 });
    await producer.start();
    consumer = new JobConsumer({ redisUrl: redisServer.url, consumerId: 'worker-1', logger: silentLogger() });
  });
  afterAll(async () => {
    await consumer.close();
    await producer.close();
    await Promise.allSettled(pending);
    redis.disconnect();
    await redisServer.stop();
  });

  const submit = (model: string, version: number, n: number): void => {
    for (let i = 0; i < n; i++) {
      const job: JobRequest = { id: `${model}-${version}-${i}-${Math.random()}`, model, version, inputs: [], outputs: [], parameters: {}, deadlineUnixMs: Date.now() + 60_000, priority: 0 };
      pending.push(producer.submit(job).catch(() => undefined));
    }
  };

  it('spells stream patterns through the queue keys', () => {
    expect(jobsStreamPattern('ocr')).toBe(keys.jobs('ocr', 7).replace(/7$/, '*'));
    expect(jobsStreamPattern('*')).toBe('maas:jobs:*:*');
  });

  it('sums waiting, in flight, oldest waiting age and taken counters over every version of the models', async () => {
    const reader = new QueueSignalReader(redis, 'workers', 0);
    submit('ocr', 1, 5);
    submit('ocr', 2, 3);
    submit('ocr-large', 1, 4); // a model whose name starts like another must not count
    await new Promise((r) => setTimeout(r, 300));
    const before = await reader.read(['ocr']);
    expect(before).toMatchObject({ waiting: 8, inFlight: 0, streams: 2 });
    expect(before.oldestWaitingAgeMs).toBeGreaterThanOrEqual(250);
    expect(before.entriesRead.size).toBe(0); // no worker has created the group yet

    const taken = await consumer.read('ocr', 1, 2, 100);
    expect(taken).toHaveLength(2);
    const during = await reader.read(['ocr']);
    expect(during).toMatchObject({ waiting: 6, inFlight: 2 });
    expect(during.entriesRead.get(keys.jobs('ocr', 1))).toBe(2);

    for (const d of taken) {
      await consumer.reply(d, { jobId: d.job.id, ok: true, outputs: [], workerId: 'worker-1', batchSize: 2, queueWaitMs: 0, computeMs: 0, executionProvider: 'cpu' });
    }
    const after = await reader.read(['ocr']);
    expect(after).toMatchObject({ waiting: 6, inFlight: 0 });
    expect(after.entriesRead.get(keys.jobs('ocr', 1))).toBe(2);
    expect((await reader.read(['*'])).waiting).toBe(10);
    expect((await reader.read(['ocr-large', 'ocr'])).streams).toBe(3);
  });

  it('reports an unknown model as an empty queue with the Redis time', async () => {
    const sample = await new QueueSignalReader(redis, 'workers', 0).read(['nothing-here']);
    expect(sample).toMatchObject({ waiting: 0, inFlight: 0, oldestWaitingAgeMs: 0, streams: 0 });
    expect(Math.abs(sample.nowMs - Date.now())).toBeLessThan(5000);
  });
});
