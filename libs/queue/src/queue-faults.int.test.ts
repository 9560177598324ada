import * as path from 'node:path';
import { Redis } from 'ioredis';
import { UnavailableError } from '@maas/errors';
import { silentLogger } from '@maas/logging';
import { startProcess, startRedis, startSentinelSet, waitFor, type RedisHandle } from '@maas/testing';
import { encodeJob } from './codec';
import type { RedisAddress } from './connection';
import { JobConsumer, type JobConsumerOptions } from './consumer';
import { keys } from './keys';
import { JobProducer, type JobProducerOptions } from './producer';
import type { Delivery, JobRequest, JobResult } from './types';

// Faults with real processes: a worker SIGKILLed while it holds jobs, Redis SIGKILLed and restarted empty,
// a gateway that is gone. Each test uses its own Redis, so a restart cannot disturb another test.

const logger = silentLogger();
let n = 0;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const model = (): string => `f${++n}`;

function job(modelName: string, id: string, extra: Partial<JobRequest> = {}): JobRequest {
  return {
    id, model: modelName, version: 1, outputs: [], parameters: {}, deadlineUnixMs: Date.now() + 15_000, priority: 0,
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: Buffer.from(new Float32Array([1]).buffer) }],
    ...extra,
  };
}

async function redisServer(): Promise<RedisHandle> {
  const r = await startRedis();
  closers.push(() => r.stop());
  return r;
}

async function producer(redisUrl: RedisAddress, options: Partial<JobProducerOptions> = {}): Promise<JobProducer> {
  const p = new JobProducer({ redisUrl, gatewayId: `g${++n}`, logger, defaultMaxDepth: 1000, ...options });
  await p.start();
  closers.push(() => p.close());
  return p;
}

/** A plain connection for looking into Redis (closed after the test). */
function adminOf(redis: RedisHandle): Redis {
  const admin = new Redis(redis.url);
  closers.push(async () => admin.disconnect());
  return admin;
}

function consumer(redisUrl: RedisAddress, id: string, options: Partial<JobConsumerOptions> = {}): JobConsumer {
  const c = new JobConsumer({ redisUrl, consumerId: id, logger, ...options });
  closers.push(() => c.close());
  return c;
}

const okResult = (d: Delivery, workerId: string): JobResult => ({
  jobId: d.job.id, ok: true, workerId, batchSize: 1, queueWaitMs: 0, computeMs: 0, executionProvider: 'cpu', outputs: d.job.inputs,
});

/** A worker loop that answers every job of `m` until stopped. */
function answerLoop(c: JobConsumer, m: string): { stop: () => Promise<void>; answered: () => number } {
  let running = true;
  let answered = 0;
  const loop = (async () => {
    while (running) {
      try {
        const batch = await c.read(m, 1, 16, 100);
        for (const d of batch) {
          await c.reply(d, okResult(d, c.consumerId));
          answered++;
        }
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  return { stop: async () => { running = false; await loop; }, answered: () => answered };
}

describe('queue under faults (real Redis, real processes)', () => {
  it('a SIGKILLed worker\'s jobs are taken by another worker once its lease lapses, long before the visibility timeout', async () => {
    const redis = await redisServer();
    const m = model();
    const p = await producer(redis.url);
    const jobs = ['k1', 'k2', 'k3'].map((id) => p.submit(job(m, id)));
    // A real worker process reads the jobs and is killed while holding them.
    const dist = path.resolve(__dirname, '..', 'dist', 'index.js');
    const logging = path.resolve(__dirname, '..', '..', 'logging', 'dist', 'index.js');
    const script = `
      const { JobConsumer } = require(${JSON.stringify(dist)});
      const { silentLogger } = require(${JSON.stringify(logging)});
      const c = new JobConsumer({ redisUrl: ${JSON.stringify(redis.url)}, consumerId: 'doomed', logger: silentLogger(), leaseTtlMs: 1500 });
      (async () => { let held = 0; while (held < 3) { held += (await c.read(${JSON.stringify(m)}, 1, 10, 100)).length; } console.log('HELD ' + held); })();
      setInterval(() => {}, 1000);`;
    const doomed = startProcess(process.execPath, ['-e', script], { name: 'doomed-worker' });
    closers.push(() => doomed.kill());
    await waitFor(() => /HELD 3/.test(doomed.log()), 10_000, 'the doomed worker to hold 3 jobs');
    const takeovers: number[] = [];
    const rescuer = consumer(redis.url, 'rescuer', { visibilityTimeoutMs: 60_000, events: { onTakeover: (_k, dead, count) => dead === 'doomed' && takeovers.push(count) } });
    await rescuer.start();
    const killedAt = Date.now();
    await doomed.kill();
    const loop = answerLoop(rescuer, m);
    const results = await Promise.all(jobs);
    const tookMs = Date.now() - killedAt;
    await loop.stop();
    expect(results.map((r) => r.ok && r.workerId)).toEqual(['rescuer', 'rescuer', 'rescuer']);
    expect(takeovers.reduce((a, b) => a + b, 0)).toBe(3);
    expect(tookMs).toBeLessThan(10_000); // lease 1.5 s + a beat; the visibility timeout is 60 s
    const admin = new Redis(redis.url);
    const consumers = (await admin.xinfo('CONSUMERS', keys.jobs(m, 1), 'workers')) as unknown[][];
    admin.disconnect();
    expect(consumers.map((c) => c[1])).not.toContain('doomed'); // removed from the group once emptied
  }, 30_000);

  it('a live worker keeps its jobs while it holds them longer than its lease (renewals)', async () => {
    const redis = await redisServer();
    const m = model();
    const p = await producer(redis.url);
    const pending = p.submit(job(m, 'slow'));
    const holder = consumer(redis.url, 'holder', { leaseTtlMs: 1500, leaseRenewMs: 300 });
    const other = consumer(redis.url, 'other', { leaseTtlMs: 1500, leaseRenewMs: 300 });
    await other.start();
    const [d] = await holder.read(m, 1, 1, 200).then(async (got) => got.length ? got : holder.read(m, 1, 1, 500));
    expect(d).toBeDefined();
    const deadline = Date.now() + 3500;
    while (Date.now() < deadline) expect(await other.read(m, 1, 10, 100)).toEqual([]);
    await holder.reply(d!, okResult(d!, 'holder'));
    expect((await pending).ok && (await pending as { workerId: string }).workerId).toBe('holder');
  }, 20_000);

  it('Redis SIGKILLed and restarted empty: workers recreate the group, the gateway resubmits what it waits for, nothing is lost', async () => {
    const redis = await redisServer();
    const m = model();
    const p = await producer(redis.url);
    const c = consumer(redis.url, 'w1');
    const loop = answerLoop(c, m);
    expect((await p.submit(job(m, 'before'))).ok).toBe(true);
    // Jobs waiting with no worker reading them yet: they exist only in Redis when it dies.
    await loop.stop();
    // Small jobs (enqueue scripts) and large ones (LARGE_JOB_BYTES: the XADD + guard transaction) alike.
    const large = (id: string): JobRequest => job(m, id, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 27648], data: Buffer.alloc(110_592, 5) }] });
    const waiting = [...['r1', 'r2', 'r3', 'r4'].map((id) => p.submit(job(m, id))), ...['R5', 'R6'].map((id) => p.submit(large(id)))];
    await waitFor(async () => (await p.stats(m, 1)).depth === 6, 5000, '6 jobs queued');
    await redis.restart();
    // While the new Redis is empty and nobody has resubmitted yet, no job exists; the gateway notices the
    // new run id on reconnect and submits all four again.
    const loop2 = answerLoop(c, m);
    const results = await Promise.all(waiting);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.slice(4).map((r) => (r.ok ? r.outputs[0]!.data.length : -1))).toEqual([110_592, 110_592]);
    // New requests after the restart work too.
    expect((await p.submit(job(m, 'after'))).ok).toBe(true);
    expect((await p.submit(large('after-large'))).ok).toBe(true);
    await loop2.stop();
  }, 30_000);

  it('Sentinel: the primary SIGKILLed under load — after the failover every waiting job is answered, new ones work', async () => {
    const set = await startSentinelSet({ downAfterMs: 1000 });
    closers.push(() => set.stop());
    const target = { url: 'redis://ignored:1', sentinels: set.sentinels, sentinelMaster: set.masterName };
    const m = model();
    const p = await producer(target);
    const c = consumer(target, 'sw1');
    const loop = answerLoop(c, m);
    expect((await p.submit(job(m, 'before'))).ok).toBe(true);
    await loop.stop();
    const waiting = ['s1', 's2', 's3'].map((id) => p.submit(job(m, id)));
    await waitFor(async () => (await p.stats(m, 1)).depth === 3, 5000, '3 jobs queued');
    const before = await set.currentPrimaryPort();
    const killedAt = Date.now();
    await set.primary.stop();
    const loop2 = answerLoop(c, m);
    await waitFor(async () => (await set.currentPrimaryPort()) !== before, 20_000, 'the failover', 100);
    const results = await Promise.all(waiting);
    const tookMs = Date.now() - killedAt;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await set.currentPrimaryPort()).toBe(set.replica.port);
    await waitFor(async () => (await p.submit(job(m, `after-${Date.now()}`)).then((r) => r.ok, () => false)), 10_000, 'a new job answered', 100);
    expect(tookMs).toBeLessThan(15_000);
    await loop2.stop();
  }, 60_000);

  it('while Redis is down new requests fail fast with UNAVAILABLE, waiting ones after the outage grace; nothing exits', async () => {
    const redis = await redisServer();
    const m = model();
    const p = await producer(redis.url, { outageGraceMs: 1000 });
    const waiting = p.submit(job(m, 'w'));
    await waitFor(async () => (await p.stats(m, 1)).depth === 1, 5000, 'queued');
    await redis.stop();
    const t0 = Date.now();
    await expect(p.submit(job(m, 'new'))).rejects.toBeInstanceOf(UnavailableError);
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect(waiting).rejects.toThrow(/unreachable for over 1000 ms/);
  }, 20_000);

  it('jobs of a gateway that is gone are dropped uncomputed; its reply stream is deleted after the grace', async () => {
    const redis = await redisServer();
    const m = model();
    const admin = adminOf(redis);
    // A gateway that crashed: its lease expired 20 s ago, its reply stream and one job are still there.
    const replyTo = keys.replies('crashed-gw');
    const now = Number((await admin.time())[0]) * 1000;
    await admin.zadd(keys.gatewayLeases, now - 20_000, replyTo);
    await admin.xadd(replyTo, '*', 'h', '{}', 'd', '');
    const live = await producer(redis.url);
    const liveJob = live.submit(job(m, 'live'));
    const orphan = encodeJob(job(m, 'orphan'), replyTo, Date.now() - 21_000); // submitted before it crashed
    await admin.xadd(keys.jobs(m, 1), '*', 'h', orphan.header, 'd', orphan.data, 'a', '0');
    const orphaned: string[] = [];
    const c = consumer(redis.url, 'w', { events: { onOrphaned: (_k, id) => orphaned.push(id) } });
    await c.start();
    const got: Delivery[] = [];
    await waitFor(async () => {
      got.push(...(await c.read(m, 1, 10, 100)));
      return got.length + orphaned.length >= 2;
    }, 5000, 'both jobs read');
    expect(got.map((d) => d.job.id)).toEqual(['live']);
    expect(orphaned).toEqual(['orphan']);
    await c.reply(got[0]!, okResult(got[0]!, 'w'));
    expect((await liveJob).ok).toBe(true);
    expect((await live.stats(m, 1)).depth).toBe(0);
    expect(await admin.exists(replyTo)).toBe(0); // removed by a heartbeat (grace 10 s passed)
  }, 20_000);

  it('start() resolves only once the gateway\'s lease is in Redis (a worker drops the jobs of a gateway without one)', async () => {
    const redis = await redisServer();
    const admin = adminOf(redis);
    const p = await producer(redis.url, { gatewayId: 'fresh-gw' });
    expect(await admin.zscore(keys.gatewayLeases, keys.replies('fresh-gw'))).not.toBeNull();
    await p.close();
  });

  it('a young job whose gateway has no lease yet (Redis just emptied) is computed, not dropped', async () => {
    const redis = await redisServer();
    const m = model();
    const admin = adminOf(redis);
    // As after a Redis emptied: the job is there, its gateway's lease not yet written again.
    const replyTo = keys.replies('not-beaten-yet');
    const young = encodeJob(job(m, 'young'), replyTo, Date.now());
    await admin.xadd(keys.jobs(m, 1), '*', 'h', young.header, 'd', young.data, 'a', '0');
    const orphaned: string[] = [];
    const c = consumer(redis.url, 'w', { events: { onOrphaned: (_k, id) => orphaned.push(id) } });
    await c.start();
    const [d] = await c.read(m, 1, 10, 100);
    expect(d?.job.id).toBe('young');
    expect(orphaned).toEqual([]);
    await c.reply(d!, okResult(d!, 'w'));
    const [, entries] = ((await admin.xread('STREAMS', replyTo, '0')) ?? [])[0] ?? [];
    expect(entries?.length).toBe(1);
  });

  it('waitForWork waits for a job without taking it', async () => {
    const redis = await redisServer();
    const m = model();
    const p = await producer(redis.url);
    const c = consumer(redis.url, 'w');
    expect(await c.waitForWork(m, 1, 100)).toBe(false);
    const later = c.waitForWork(m, 1, 3000);
    const pending = p.submit(job(m, 'cold'));
    expect(await later).toBe(true);
    expect((await p.stats(m, 1)).waiting).toBe(1); // still there for whoever reads first
    const [d] = await c.read(m, 1, 1, 100);
    await c.reply(d!, okResult(d!, 'w'));
    expect((await pending).ok).toBe(true);
  }, 20_000);
});
