import * as fs from 'node:fs';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { slowModel, writeModelFile } from '@maas/models';
import { keys } from '@maas/queue';
import { startStack, waitFor, type Stack, type StackOptions } from '@maas/testing';
import { inferFp32, inferenceClient } from '../support/inference-client';
import { registryClient, uploadModel } from '../support/registry';
import { figuresOf, type FaultFigures } from './figures';
import { closedLoop } from './load';

/** How one fault run is sized. */
export interface RunSize {
  /** Closed-loop callers. */
  concurrency: number;
  /** Load duration, ms. */
  durationMs: number;
  /** When the fault is injected, ms after the load starts. */
  faultAtMs: number;
  /** Per-request deadline, ms. */
  deadlineMs: number;
}

/** One fault: the stack it needs, what it does, and what maas promises about it. */
export interface FaultSpec {
  name: string;
  promise: string;
  stack: StackOptions;
  /** The fault makes fast retryable failures unavoidable (the caller's own server dies). */
  retryableAllowed?: boolean;
  /** Injects the fault; resolves with fault-specific details. */
  inject(stack: Stack, ctx: FaultContext): Promise<Record<string, number | string | boolean>>;
  /** After the load: checks that nothing was left behind; resolves with more details. */
  after?(stack: Stack, ctx: FaultContext): Promise<Record<string, number | string | boolean>>;
}

/** What a fault can use. */
export interface FaultContext {
  admin: Redis;
  model: string;
  /** Where the fault injector keeps state between inject() and after(). */
  state: Record<string, string>;
}

const MODEL = 'chaos';
/** ~1-5 ms per item here: batches are in flight whenever a worker is killed. */
const SLOW = { size: 64, layers: 8 };
const WORKER_ENV = { MAAS_WORKER_READ_BLOCK_MS: '200' };

/** The consumer of the chaos stream holding the most jobs right now, and how many. */
async function busiestConsumer(admin: Redis): Promise<{ name: string; pending: number } | undefined> {
  const rows = (await admin.xinfo('CONSUMERS', keys.jobs(MODEL, 1), 'workers').catch(() => [])) as unknown[][];
  const consumers = rows.map((r) => ({ name: String(r[1]), pending: Number(r[3]) })).sort((a, b) => b.pending - a.pending);
  return consumers[0];
}

async function workerHoldingJobs(stack: Stack, ctx: FaultContext): Promise<{ index: number; held: number }> {
  let found = { index: 0, held: 0 };
  await waitFor(async () => {
    const busiest = await busiestConsumer(ctx.admin);
    const index = stack.workers.findIndex((w) => w.id === busiest?.name);
    if (!busiest || index < 0 || busiest.pending === 0) return false;
    found = { index, held: busiest.pending };
    return true;
  }, 5000, 'a worker holding jobs', 5);
  return found;
}

/** Every fault `make chaos` runs, in order. */
export const FAULTS: FaultSpec[] = [
  {
    name: 'worker-sigkill',
    promise: 'a worker SIGKILLed while holding jobs: another worker takes them when its lease lapses (~2.5 s); every request answered OK',
    stack: { workers: 2, workerEnv: WORKER_ENV },
    async inject(stack, ctx) {
      const { index, held } = await workerHoldingJobs(stack, ctx);
      await stack.workers[index]!.process.kill();
      return { killed: stack.workers[index]!.id, heldAtKill: held };
    },
  },
  {
    name: 'worker-sigterm',
    promise: 'a worker SIGTERMed under load finishes its batch and hands gathered jobs back; every request answered OK',
    stack: { workers: 2, workerEnv: WORKER_ENV },
    async inject(stack, ctx) {
      const { index, held } = await workerHoldingJobs(stack, ctx);
      const code = await stack.workers[index]!.process.stop(15_000);
      return { stopped: stack.workers[index]!.id, heldAtStop: held, exitCode: String(code) };
    },
  },
  {
    name: 'redis-restart-empty',
    promise: 'Redis SIGKILLed and restarted empty: workers recreate groups, gateways resubmit what they wait for; no waiting request lost, new ones UNAVAILABLE at once while it is down',
    stack: { workers: 1, workerEnv: WORKER_ENV },
    // Requests arriving while no Redis listens cannot be queued: they are answered UNAVAILABLE at once.
    retryableAllowed: true,
    async inject(stack) {
      const t = Date.now();
      await stack.redis.restart();
      return { redisDownMs: Date.now() - t };
    },
  },
  {
    name: 'redis-sentinel-failover',
    promise: 'the Redis primary SIGKILLed under Sentinel: waiting requests answered after the failover, new ones UNAVAILABLE at once until it, back within 5 s',
    stack: { workers: 1, workerEnv: WORKER_ENV, sentinel: true },
    // Requests arriving before the sentinels promote the replica cannot be queued: UNAVAILABLE at once.
    retryableAllowed: true,
    async inject(stack) {
      const set = stack.sentinel!;
      const before = await set.currentPrimaryPort();
      const t = Date.now();
      await set.primary.stop();
      await waitFor(async () => (await set.currentPrimaryPort()) !== before, 30_000, 'the sentinels to promote the replica', 50);
      return { failoverMs: Date.now() - t, oldPrimary: before, newPrimary: await set.currentPrimaryPort() };
    },
  },
  {
    name: 'registry-down-5s',
    promise: 'the registry SIGKILLed for 5 s: models already resolved keep serving, 0 failures',
    stack: { workers: 1, workerEnv: WORKER_ENV },
    async inject(stack) {
      await stack.registry.restart({ downMs: 5000 });
      return { registryDownMs: 5000 };
    },
  },
  {
    name: 'consul-restart-empty',
    promise: 'Consul SIGKILLed and restarted empty: services re-register, requests keep being answered',
    stack: { workers: 1, workerEnv: WORKER_ENV },
    async inject(stack) {
      await stack.consul.restart();
      return {};
    },
  },
  {
    name: 'gateway-sigkill',
    promise: 'a gateway SIGKILLed: its callers get UNAVAILABLE at once (retry elsewhere), its jobs are dropped uncomputed and its reply stream removed after the grace',
    stack: { workers: 1, workerEnv: WORKER_ENV },
    retryableAllowed: true,
    async inject(stack, ctx) {
      const members = await ctx.admin.zrange(keys.gatewayLeases, 0, -1);
      ctx.state['oldGateway'] = members[0] ?? '';
      await stack.gateway.restart();
      return { oldGatewayLeases: members.length };
    },
    async after(_stack, ctx) {
      const old = ctx.state['oldGateway'] ?? '';
      const t = Date.now();
      // Grace 10 s after the lease lapses (3 s), then the next heartbeat deletes the stream.
      await waitFor(async () => (await ctx.admin.exists(old)) === 0 && (await ctx.admin.zscore(keys.gatewayLeases, old)) === null, 30_000, 'the dead gateway\'s reply stream to be removed', 200);
      return { oldReplyStreamRemoved: true, removedAfterLoadMs: Date.now() - t };
    },
  },
];

/** Starts the fault's stack, warms it, runs the closed loop with the fault injected, and measures. */
export async function runFault(spec: FaultSpec, size: RunSize, log: (line: string) => void = () => undefined): Promise<FaultFigures> {
  const stack = await startStack(spec.stack);
  const admin = new Redis(stack.baseEnv['MAAS_REDIS_SENTINELS']
    ? { sentinels: stack.baseEnv['MAAS_REDIS_SENTINELS'].split(',').map((s) => ({ host: s.split(':')[0]!, port: Number(s.split(':')[1]) })), name: stack.baseEnv['MAAS_REDIS_SENTINEL_MASTER']! }
    : { port: stack.redis.port, host: '127.0.0.1' });
  admin.on('error', () => undefined);
  try {
    const file = writeModelFile(path.join(stack.dir, 'chaos.onnx'), slowModel(SLOW));
    const registry = registryClient(stack.registry.address);
    await uploadModel(registry, { model: MODEL, file, config: { batching: { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 2000 } } });
    registry.close();
    const input = { name: 'x', shape: [1, SLOW.size, SLOW.size], values: new Float32Array(SLOW.size * SLOW.size).fill(0.01) };
    const warm = inferenceClient(stack.gateway.grpcAddress);
    // Every worker serves the model before the load starts (a cold load is not what is measured).
    await waitFor(async () => {
      try {
        await inferFp32(warm, MODEL, [input], { timeoutMs: 5000 });
        return stack.workers.every((w) => fs.existsSync(w.process.logFile) && /model loaded/.test(w.process.log()));
      } catch {
        return false;
      }
    }, 60_000, 'the model served by every worker', 100);
    warm.close();
    const ctx: FaultContext = { admin, model: MODEL, state: {} };
    const t0 = Date.now();
    const load = closedLoop({ client: () => inferenceClient(stack.gateway.grpcAddress), model: MODEL, input, concurrency: size.concurrency, durationMs: size.durationMs, deadlineMs: size.deadlineMs }, t0);
    await new Promise((r) => setTimeout(r, size.faultAtMs));
    const faultAtMs = Date.now() - t0;
    log(`${spec.name}: injecting at ${faultAtMs} ms`);
    const details = await spec.inject(stack, ctx);
    const records = await load;
    const more = spec.after ? await spec.after(stack, ctx) : {};
    // Nothing left in the queue once every caller has its answer.
    await waitFor(async () => (await admin.xlen(keys.jobs(MODEL, 1)).catch(() => -1)) === 0, 15_000, 'the jobs stream to drain', 100).catch(() => undefined);
    const leftover = await admin.xlen(keys.jobs(MODEL, 1)).catch(() => -1);
    return figuresOf(spec.name, spec.promise, records, faultAtMs, size.deadlineMs, { retryableAllowed: spec.retryableAllowed ?? false, details: { ...details, ...more, jobsLeftInStream: leftover } });
  } finally {
    admin.disconnect();
    await stack.stop();
  }
}
