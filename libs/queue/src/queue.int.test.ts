import { status as GrpcStatus } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { CancelledError, DeadlineExceededError, ResourceExhaustedError, UnavailableError } from '@maas/errors';
import { silentLogger } from '@maas/logging';
import { startRedis, waitFor, type RedisHandle } from '@maas/testing';
import { decodeResult, encodeJob } from './codec';
import { JobConsumer, type JobConsumerOptions } from './consumer';
import { keys } from './keys';
import { JobProducer } from './producer';
import { LARGE_JOB_BYTES, queueScriptSource } from './scripts';
import type { Delivery, JobRequest, JobResult } from './types';

const logger = silentLogger();
let redis: RedisHandle;
let admin: Redis;
let n = 0;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

/** A fresh model name per test, so tests never share a stream. */
const model = (): string => `m${++n}`;

function job(modelName: string, id: string, extra: Partial<JobRequest> = {}): JobRequest {
  return {
    id, model: modelName, version: 1, outputs: [], parameters: {}, deadlineUnixMs: 0, priority: 0,
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: Buffer.from(new Float32Array([1, Number(id.replace(/\D/g, '') || 0)]).buffer) }],
    ...extra,
  };
}

async function producer(options: { maxDepth?: number } = {}): Promise<JobProducer> {
  const p = new JobProducer({ redisUrl: redis.url, gatewayId: `g${++n}`, logger, defaultMaxDepth: options.maxDepth ?? 100 });
  await p.start();
  closers.push(() => p.close());
  return p;
}

function consumer(id: string, options: Partial<JobConsumerOptions> = {}): JobConsumer {
  const c = new JobConsumer({ redisUrl: redis.url, consumerId: id, logger, ...options });
  closers.push(() => c.close());
  return c;
}

const okResult = (d: Delivery, workerId: string): JobResult => ({
  jobId: d.job.id, ok: true, workerId, batchSize: 1, queueWaitMs: 0, computeMs: 0, executionProvider: 'cpu',
  outputs: d.job.inputs.map((t) => ({ ...t, name: 'y' })),
});

/** Every script call (EVALSHA or EVAL) Redis runs on `stream` from now on, as MONITOR shows them. */
async function scriptCallsOn(stream: string): Promise<string[][]> {
  const monitor = await admin.monitor();
  const calls: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase().startsWith('eval') && args.includes(stream)) calls.push(args);
  });
  closers.push(async () => monitor.disconnect());
  return calls;
}

/** The script calls that carried job `id` (ioredis may send one twice: EVALSHA, then EVAL after NOSCRIPT). */
const carryingOf = (calls: string[][]) => (id: string): string[][] => calls.filter((args) => args.some((a) => a.includes(`"id":"${id}"`)));

async function readUntil(c: JobConsumer, m: string, count: number): Promise<Delivery[]> {
  const got: Delivery[] = [];
  await waitFor(async () => {
    got.push(...(await c.read(m, 1, count - got.length, 50)));
    return got.length >= count;
  }, 5000, `${count} deliveries`);
  return got;
}

describe('JobProducer + JobConsumer on a real Redis', () => {
  it('delivers a job with binary tensors and returns its single result', async () => {
    const m = model();
    const p = await producer();
    const c = consumer('w1');
    const pending = p.submit(job(m, 'j7', { parameters: { k: 1 } }));
    const [d] = await readUntil(c, m, 1);
    expect(d!.deliveryCount).toBe(1);
    expect(d!.job.parameters).toEqual({ k: 1 });
    expect(new Float32Array(new Uint8Array(d!.job.inputs[0]!.data).buffer)).toEqual(new Float32Array([1, 7]));
    expect((await p.stats(m, 1))).toMatchObject({ depth: 1, inFlight: 1, waiting: 0 });
    await c.reply(d!, okResult(d!, 'w1'));
    const result = await pending;
    expect(result.ok && result.outputs[0]!.data.equals(d!.job.inputs[0]!.data)).toBe(true);
    expect(await p.stats(m, 1)).toEqual({ depth: 0, waiting: 0, inFlight: 0, oldestJobAgeMs: 0, deadLetters: 0, newestEntryId: '' });
  });

  it('replyAll answers a batch in one round trip: each caller gets its own result and every job is acked', async () => {
    const m = model();
    const p = await producer();
    const c = consumer('w1');
    const pending = ['j1', 'j2', 'j3'].map((id) => p.submit(job(m, id)));
    const batch = await readUntil(c, m, 3);
    expect(await c.replyAll(batch.map((d) => ({ delivery: d, result: okResult(d, 'w1') })))).toEqual([undefined, undefined, undefined]);
    const results = await Promise.all(pending);
    results.forEach((r, i) => expect(r.ok && new Float32Array(new Uint8Array(r.outputs[0]!.data).buffer)[1]).toBe(i + 1));
    expect(await p.stats(m, 1)).toMatchObject({ depth: 0, inFlight: 0 });
  });

  it('adds the jobs one gateway submits to a stream in one turn with one script call, and answers a batch with one reply entry per gateway (single replies for gateways that do not read batch replies)', async () => {
    const m = model();
    const stream = keys.jobs(m, 1);
    const g1 = `g${++n}`;
    const g2 = `g${++n}`;
    const p1 = new JobProducer({ redisUrl: redis.url, gatewayId: g1, logger, defaultMaxDepth: 100 });
    const p2 = new JobProducer({ redisUrl: redis.url, gatewayId: g2, logger, defaultMaxDepth: 100 });
    await p1.start();
    await p2.start();
    closers.push(() => p1.close(), () => p2.close());
    const scriptCalls = await scriptCallsOn(stream);
    // Same turn: three jobs from g1 and two from g2; then one job for g2 as a gateway of an older release enqueues it.
    const pending1 = ['a1', 'a2', 'a3'].map((id) => p1.submit(job(m, id)));
    const pending2 = ['b1', 'b2'].map((id) => p2.submit(job(m, id)));
    const old = encodeJob(job(m, 'o1'), keys.replies(g2), Date.now());
    await admin.xadd(stream, '*', 'h', old.header, 'd', old.data, 'a', '0');
    const c = consumer('w1');
    const batch = await readUntil(c, m, 6);
    expect(batch.filter((d) => d.batchReplies).map((d) => d.job.id).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    // g1's three jobs in order, by one enqueue-batch call; g2's two by another.
    const g1Ids = batch.filter((d) => d.replyTo === keys.replies(g1)).map((d) => d.job.id);
    expect(g1Ids).toEqual(['a1', 'a2', 'a3']);
    // The script call that carried a1 carried a2 and a3 too (ioredis may send it twice: EVALSHA, then EVAL after NOSCRIPT).
    const carrying = carryingOf(scriptCalls);
    expect(carrying('a1').length).toBeGreaterThan(0);
    expect(carrying('a2')).toEqual(carrying('a1'));
    expect(carrying('a3')).toEqual(carrying('a1'));
    expect(carrying('b2')).toEqual(carrying('b1'));

    expect(await c.replyAll(batch.map((d) => ({ delivery: d, result: okResult(d, 'w1') })))).toEqual(batch.map(() => undefined));
    const results = [...(await Promise.all(pending1)), ...(await Promise.all(pending2))];
    expect(results.map((r) => r.jobId)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    results.forEach((r) => expect(r.ok && new Float32Array(new Uint8Array(r.outputs[0]!.data).buffer)[1]).toBe(Number(r.jobId.slice(1))));
    expect(await admin.xlen(keys.replies(g1))).toBe(1);
    // g2: one batch entry (b1, b2) and one single reply (o1).
    const g2Entries = (await admin.xrangeBuffer(keys.replies(g2), '-', '+')).map(([, fields]) => fields);
    expect(g2Entries.map((fields) => fields[0]!.toString()).sort()).toEqual(['b', 'h']);
    expect(decodeResult(g2Entries.find((fields) => fields[0]!.toString() === 'h')!)).toMatchObject({ jobId: 'o1', ok: true });
    expect(await admin.pttl(keys.replies(g1))).toBeGreaterThan(0);
    expect(await p1.stats(m, 1)).toMatchObject({ depth: 0, inFlight: 0 });
  });

  it('adds the jobs of one turn with one script call even when each was submitted from a callback of its own (as HTTP/2 hands over each stream)', async () => {
    const m = model();
    const stream = keys.jobs(m, 1);
    const p = await producer();
    const scriptCalls = await scriptCallsOn(stream);
    // Three timers due together run in one timers phase, and Node runs the nextTick queue after each callback.
    const pending = await new Promise<Array<Promise<JobResult>>>((resolve) => {
      const submitted: Array<Promise<JobResult>> = [];
      for (const id of ['t1', 't2', 't3']) {
        setTimeout(() => {
          submitted.push(p.submit(job(m, id)));
          if (submitted.length === 3) resolve(submitted);
        }, 0);
      }
    });
    const c = consumer('w1');
    const batch = await readUntil(c, m, 3);
    expect(batch.map((d) => d.job.id)).toEqual(['t1', 't2', 't3']);
    const carrying = carryingOf(scriptCalls);
    expect(carrying('t1').length).toBeGreaterThan(0);
    expect(carrying('t2')).toEqual(carrying('t1'));
    expect(carrying('t3')).toEqual(carrying('t1'));
    await c.replyAll(batch.map((d) => ({ delivery: d, result: okResult(d, 'w1') })));
    expect((await Promise.all(pending)).map((r) => r.jobId)).toEqual(['t1', 't2', 't3']);
  });

  it(`jobs of ${LARGE_JOB_BYTES} bytes and more (sent outside auto-pipelining) and small ones of the same tick all arrive whole; the depth limit holds for both`, async () => {
    const m = model();
    const p = await producer({ maxDepth: 3 });
    const c = consumer('w1');
    const big = (id: string, fill: number): JobRequest => job(m, id, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 27648], data: Buffer.alloc(110_592, fill) }] });
    // One tick: small, large, small: the large one goes out on its own, the small ones in one enqueue-batch call.
    const pending = [p.submit(job(m, 's1')), p.submit(big('b1', 7)), p.submit(job(m, 's2'))];
    await waitFor(async () => (await p.stats(m, 1)).depth === 3, 2000, 'three jobs queued');
    await expect(p.submit(big('b2', 8))).rejects.toBeInstanceOf(ResourceExhaustedError);
    const got = await readUntil(c, m, 3);
    expect(got.map((d) => d.job.id).sort()).toEqual(['b1', 's1', 's2']);
    const large = got.find((d) => d.job.id === 'b1')!;
    expect(large.job.inputs[0]!.data.length).toBe(110_592);
    expect(large.job.inputs[0]!.data.every((b) => b === 7)).toBe(true);
    await c.replyAll(got.map((d) => ({ delivery: d, result: okResult(d, 'w1') })));
    const results = await Promise.all(pending);
    expect(results.map((r) => (r.ok ? r.outputs[0]!.data.length : -1))).toEqual([8, 110_592, 8]);
  });

  it('large jobs from two gateways at once: the depth limit is exact, a refused job leaves no entry, the guard alone removes only its own job', async () => {
    const m = model();
    const [p1, p2] = [await producer({ maxDepth: 5 }), await producer({ maxDepth: 5 })];
    const big = (id: string): JobRequest => job(m, id, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 27648], data: Buffer.alloc(110_592, 3) }] });
    const refused: string[] = [];
    const accepted = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const id = `L${i}`;
      accepted.add(id);
      // Accepted jobs are never answered here: they end with the producers' close.
      (i % 2 === 0 ? p1 : p2).submit(big(id)).catch((err: unknown) => {
        if (!(err instanceof ResourceExhaustedError)) return;
        accepted.delete(id);
        refused.push(id);
      });
    }
    await waitFor(async () => refused.length === 7, 3000, 'seven jobs refused');
    const stream = keys.jobs(m, 1);
    expect(await admin.xlen(stream)).toBe(5);
    // Every entry left is a whole, accepted job; a worker reads exactly those.
    const entries = await admin.xrangeBuffer(stream, '-', '+');
    expect(entries).toHaveLength(5);
    const c = consumer('w1');
    const got = await readUntil(c, m, 5);
    expect(got.map((d) => d.job.id).sort()).toEqual([...accepted].sort());
    expect(got.every((d) => d.job.inputs[0]!.data.length === 110_592)).toBe(true);
    expect(await c.read(m, 1, 10, 0)).toEqual([]);

    // The guard on its own (as after a resent command): over the limit, it leaves an entry that is not its job's.
    const guard = queueScriptSource('maasEnqueueGuard');
    const newest = (await admin.xrevrange(stream, '+', '-', 'COUNT', 1))[0]!;
    const header = newest[1][newest[1].indexOf('h') + 1]!;
    expect(await admin.eval(guard, 1, stream, 1, '{"id":"someone else"}')).toBe(1);
    expect(await admin.xlen(stream)).toBe(5);
    expect(await admin.eval(guard, 1, stream, 5, header)).toBe(1);
    expect(await admin.eval(guard, 1, stream, 1, header)).toBe(0);
    expect(await admin.xlen(stream)).toBe(4);
  });

  it('refuses a job atomically when the stream holds maxDepth jobs, and reports depth and age', async () => {
    const m = model();
    const p = await producer({ maxDepth: 2 });
    void p.submit(job(m, 'a')).catch(() => undefined);
    void p.submit(job(m, 'b')).catch(() => undefined);
    await expect(p.submit(job(m, 'c'))).rejects.toBeInstanceOf(ResourceExhaustedError);
    await new Promise((r) => setTimeout(r, 30));
    const stats = await p.stats(m, 1);
    expect(stats).toMatchObject({ depth: 2, waiting: 2, inFlight: 0 });
    expect(stats.oldestJobAgeMs).toBeGreaterThanOrEqual(20);
    void p.submit(job(m, 'd'), { maxDepth: 3 }).catch(() => undefined); // a per-call limit
    await waitFor(async () => (await p.stats(m, 1)).depth === 3, 2000, 'third job queued');
  });

  it('rejects at the deadline; a worker later skips the expired job and answers DEADLINE_EXCEEDED', async () => {
    const m = model();
    const p = await producer();
    const expired: string[] = [];
    const c = consumer('w1', { events: { onExpired: (_k, id) => expired.push(id) } });
    const started = Date.now();
    await expect(p.submit(job(m, 'late', { deadlineUnixMs: Date.now() + 150 }))).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await c.read(m, 1, 10, 50)).toEqual([]);
    expect(expired).toEqual(['late']);
    const replies = await admin.xrange(keys.replies(`g${n}`), '-', '+');
    expect(replies).toHaveLength(1);
    expect(replies[0]![1][1]).toContain(`"code":${GrpcStatus.DEADLINE_EXCEEDED}`);
    expect((await p.stats(m, 1)).depth).toBe(0);
  });

  it('removes a cancelled job that no worker has taken', async () => {
    const m = model();
    const p = await producer();
    const abort = new AbortController();
    const pending = p.submit(job(m, 'x'), { signal: abort.signal });
    await waitFor(async () => (await p.stats(m, 1)).depth === 1, 2000, 'job queued');
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await waitFor(async () => (await p.stats(m, 1)).depth === 0, 2000, 'job removed');
  });

  it('reclaims a job a dead worker held past the visibility timeout; the caller gets exactly one result', async () => {
    const m = model();
    const p = await producer();
    const dead = consumer('dead', { visibilityTimeoutMs: 200 });
    const alive = consumer('alive', { visibilityTimeoutMs: 200 });
    const redelivered: number[] = [];
    const rescuer = consumer('rescuer', { visibilityTimeoutMs: 200, events: { onRedelivery: (_k, _id, count) => redelivered.push(count) } });
    await Promise.all([dead.start(), alive.start(), rescuer.start()]); // leases taken: the timing below is the queue's
    const pending = p.submit(job(m, 'j1'));
    const [held] = await readUntil(dead, m, 1);
    expect(await alive.read(m, 1, 10, 50)).toEqual([]); // not before the timeout
    await new Promise((r) => setTimeout(r, 250));
    const [again] = await readUntil(rescuer, m, 1);
    expect(again!.job.id).toBe('j1');
    expect(again!.deliveryCount).toBe(2);
    expect(redelivered).toEqual([2]);
    await rescuer.reply(again!, okResult(again!, 'rescuer'));
    await dead.reply(held!, okResult(held!, 'dead')); // the "dead" worker was only slow: a second reply
    const result = await pending;
    expect(result.ok && result.workerId).toBe('rescuer');
    expect((await p.stats(m, 1)).depth).toBe(0);
  });

  it('dead-letters a job delivered more than maxDeliveries times and tells its caller', async () => {
    const m = model();
    const p = await producer();
    const dead: string[] = [];
    const options = { visibilityTimeoutMs: 100, maxDeliveries: 2, events: { onDeadLetter: (_k: string, id: string) => dead.push(id) } };
    const pending = p.submit(job(m, 'crashy'));
    const other = p.submit(job(m, 'fine'));
    const c1 = consumer('c1', options);
    expect(await readUntil(c1, m, 2)).toHaveLength(2); // c1 "crashes" holding both
    await new Promise((r) => setTimeout(r, 150));
    const c2 = consumer('c2', options);
    const second = await readUntil(c2, m, 2); // delivery 2 of each; c2 answers only "fine"
    const fine = second.find((d) => d.job.id === 'fine')!;
    await c2.reply(fine, okResult(fine, 'c2'));
    await new Promise((r) => setTimeout(r, 150));
    const c3 = consumer('c3', options);
    await waitFor(async () => {
      expect(await c3.read(m, 1, 10, 50)).toEqual([]); // delivery 3 > 2: dead letter instead
      return dead.length > 0;
    }, 5000, 'the dead letter');
    const result = await pending;
    expect(result).toMatchObject({ ok: false, code: GrpcStatus.INTERNAL });
    expect(!result.ok && result.message).toMatch(/crashy.*dead-letter.*delivered 2 times/);
    expect((await other).ok).toBe(true);
    expect(dead).toEqual(['crashy']);
    expect(await p.stats(m, 1)).toMatchObject({ depth: 0, deadLetters: 1 });
    const [[, fields]] = (await admin.xrange(keys.deadLetters(m, 1), '-', '+')) as [[string, string[]]];
    expect(fields).toContain('reason');
  });

  it('fail() retries at once and dead-letters on the last attempt with the error', async () => {
    const m = model();
    const p = await producer();
    const c = consumer('w', { maxDeliveries: 3 });
    const pending = p.submit(job(m, 'poison'));
    for (const attempt of [1, 2, 3]) {
      const [d] = await readUntil(c, m, 1);
      expect(d!.deliveryCount).toBe(attempt);
      expect(await c.fail(d!, { message: 'Gather: index out of range' })).toBe(attempt < 3 ? 'retried' : 'dead-lettered');
    }
    const result = await pending;
    expect(!result.ok && result.message).toMatch(/failed 3 times; last error: Gather: index out of range/);
    expect((await p.stats(m, 1)).deadLetters).toBe(1);
  });

  it('release() hands a job to another worker at once without counting the delivery', async () => {
    const m = model();
    const p = await producer();
    const pending = p.submit(job(m, 'r'));
    const a = consumer('a');
    const b = consumer('b');
    const [d] = await readUntil(a, m, 1);
    await a.release(d!);
    const [again] = await readUntil(b, m, 1);
    expect(again!.deliveryCount).toBe(1);
    await b.reply(again!, okResult(again!, 'b'));
    expect((await pending).ok).toBe(true);
  });

  it('returns high-priority jobs first within a read', async () => {
    const m = model();
    const p = await producer();
    const results = [p.submit(job(m, 'n1')), p.submit(job(m, 'h1', { priority: 5 })), p.submit(job(m, 'n2'))];
    const c = consumer('w');
    await waitFor(async () => (await p.stats(m, 1)).depth === 3, 2000, 'queued');
    const got = await c.read(m, 1, 10, 50);
    expect(got.map((d) => d.job.id)).toEqual(['h1', 'n1', 'n2']);
    for (const d of got) await c.reply(d, okResult(d, 'w'));
    await Promise.all(results);
  });

  it('rejects UNAVAILABLE when Redis is down', async () => {
    const own = await startRedis();
    const p = new JobProducer({ redisUrl: own.url, gatewayId: 'gx', logger, defaultMaxDepth: 10 });
    await p.start();
    await own.stop();
    await expect(p.submit(job('mx', 'u'))).rejects.toBeInstanceOf(UnavailableError);
    await expect(p.stats('mx', 1)).rejects.toBeInstanceOf(UnavailableError);
    await p.close();
  });
});
