import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULT_HEAP_GROWING_PERCENT, heapGrowingFlags } from '@maas/runtime';
import { freePort, startProcess, startRedis, waitFor, type ManagedProcess } from '@maas/testing';
import { FLOOR_STREAMS, type FloorOutput } from './floor-processes';
import { RawInferClient, type LoadOptions, type LoadResult } from './load-generator';
import { wireInputs, type BenchModel } from './models';
import { startCpuReading, type CpuWatch } from './process-cpu';
import type { FloorRun } from './results';
import { waitUntilServing } from './serve-check';
import { SampleBuffer, summarizeLatencies } from './stats';

/** How long and how hard each floor is driven. */
export interface FloorOptions {
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  /** Concurrencies for the gRPC echoes and the queue chain (1 always first); the Redis floor runs at concurrency 1 only. */
  grpcConcurrencies: number[];
  /** The closed-loop client for the gRPC echo (the one the served targets get). */
  drive: (client: RawInferClient, options: LoadOptions) => Promise<LoadResult>;
}

/** A floor process, with the V8 heap growing factor maas's services set (MAAS_HEAP_GROWING_PERCENT's default). */
function startFloorProcess(kind: 'grpc-echo' | 'fast-echo' | 'redis-responder' | 'queue-front' | 'idle-service', ...args: Array<number | string>): ManagedProcess {
  const v8Flags = heapGrowingFlags(DEFAULT_HEAP_GROWING_PERCENT);
  return startProcess(process.execPath, [...v8Flags, path.join(__dirname, 'floor-processes.js'), kind, ...args.map(String)], { name: `floor-${kind}` });
}

/** The model's outputs for one item (batch 1; open dims as 1), FP32 as the bench's models answer. */
function floorOutputs(model: BenchModel): FloorOutput[] {
  return model.outputs.map((o) => ({ name: o.name, datatype: 'FP32', shape: [1, ...o.itemShape.map((d) => (d < 0 ? 1 : d))] }));
}

function payloadBytes(model: BenchModel): number {
  return wireInputs(model).reduce((n, i) => n + i.bytes.length, 0);
}

/** Drives a floor's gRPC server on `port` at concurrency 1 and the top ones, reading the CPU of `cpuWatch`. */
async function driveGrpcFloor(floor: FloorRun['floor'], model: BenchModel, port: number, cpuWatch: CpuWatch, options: FloorOptions): Promise<FloorRun[]> {
  const client = new RawInferClient({ address: `127.0.0.1:${port}`, model: model.name, inputs: wireInputs(model) });
  try {
    await waitUntilServing(client.target, 30_000);
    const runs: FloorRun[] = [];
    for (const concurrency of [1, ...options.grpcConcurrencies.filter((c) => c !== 1)]) {
      const reading = startCpuReading(cpuWatch);
      const r = await options.drive(client, { concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, timeoutMs: options.timeoutMs });
      const cpu = reading();
      const calls = Math.max(1, r.callsIncludingWarmup);
      runs.push({ floor, model: model.name, payloadBytes: payloadBytes(model), concurrency, requests: r.requests, throughputPerSecond: r.throughputPerSecond, latencyMs: r.latencyMs, cpuMsPerRequest: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / calls])) });
    }
    return runs;
  } finally {
    client.close();
  }
}

/**
 * A bare @grpc/grpc-js ModelInfer server in its own process that answers each request with its own tensors,
 * driven by the bench's load generator: what gRPC over HTTP/2 between two Node processes costs, no server logic.
 */
export async function measureGrpcEcho(model: BenchModel, options: FloorOptions, kind: 'grpc-echo' | 'fast-echo' = 'grpc-echo'): Promise<FloorRun[]> {
  const port = await freePort();
  const proc = startFloorProcess(kind, port);
  try {
    return await driveGrpcFloor(kind, model, port, [{ name: 'echo', pid: proc.child.pid ?? -1 }], options);
  } finally {
    await proc.stop(5_000);
  }
}

/**
 * The design's request path with none of maas's code, end to end, driven like a served target: a gRPC front on
 * maas's fast path that adds each request to a Redis stream and waits for its reply on another (one blocking
 * XREAD loop), and the Redis floor's responder between them (XREADGROUP BLOCK, XADD of a reply the size of the
 * model's outputs, XACK) — three processes, as gateway, Redis and worker are, with no model run. Its c1 p50 plus raw's is the least a maas
 * request can take on this machine; its req/s and CPU at the top concurrency the most the design can serve.
 */
export async function measureQueueChain(model: BenchModel, options: FloorOptions): Promise<FloorRun[]> {
  const redis = await startRedis();
  const responder = startFloorProcess('redis-responder', redis.port);
  let front: ManagedProcess | undefined;
  try {
    await waitFor(() => responder.log().includes('ready'), 20_000, 'the Redis floor responder');
    const port = await freePort();
    front = startFloorProcess('queue-front', port, redis.port, JSON.stringify(floorOutputs(model)));
    return await driveGrpcFloor('queue-chain', model, port, [
      { name: 'front', pid: front.child.pid ?? -1 },
      { name: 'responder', pid: responder.child.pid ?? -1 },
      { name: 'redis', pid: redis.process.child.pid ?? -1 },
    ], options);
  } finally {
    await front?.stop(5_000);
    await responder.stop(5_000);
    await redis.stop();
  }
}

/**
 * A Redis Streams request/reply at concurrency 1 with ioredis, the queue hop maas's design puts between gateway
 * and worker, without maas's code: XADD of the request (the model's input bytes), a responder process reading
 * it with XREADGROUP BLOCK and answering with XADD (+ XACK), and the requester's XREAD BLOCK of the reply.
 */
export async function measureRedisStreams(model: BenchModel, options: FloorOptions): Promise<FloorRun> {
  const redis = await startRedis();
  const responder = startFloorProcess('redis-responder', redis.port);
  const commands = new Redis({ port: redis.port, host: '127.0.0.1' });
  const replies = new Redis({ port: redis.port, host: '127.0.0.1' });
  try {
    await waitFor(() => responder.log().includes('ready'), 20_000, 'the Redis floor responder');
    const payload = Buffer.concat(wireInputs(model).map((i) => i.bytes));
    // A fresh Redis: the reply stream is empty, so reading after 0-0 returns the first reply ever written.
    let lastReplyId = '0-0';
    let n = 0;
    const once = async (): Promise<void> => {
      const number = String(n++);
      await commands.xadd(FLOOR_STREAMS.requests, 'MAXLEN', '~', FLOOR_STREAMS.keep, '*', 'n', number, 'd', payload);
      for (;;) {
        const got = (await replies.xreadBuffer('COUNT', 1, 'BLOCK', options.timeoutMs, 'STREAMS', FLOOR_STREAMS.replies, lastReplyId)) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
        const entry = got?.[0]?.[1]?.[0];
        if (!entry) throw new Error(`no reply on ${FLOOR_STREAMS.replies} within ${options.timeoutMs} ms`);
        lastReplyId = entry[0].toString();
        if (entry[1][1]?.toString() === number) {
          if (entry[1][3]?.length !== payload.length) throw new Error(`reply of ${entry[1][3]?.length ?? 0} bytes to a request of ${payload.length}`);
          return;
        }
      }
    };
    const reading = startCpuReading([
      { name: 'responder', pid: responder.child.pid ?? -1 },
      { name: 'redis', pid: redis.process.child.pid ?? -1 },
    ]);
    const samples = new SampleBuffer();
    const start = performance.now();
    const measureFrom = start + options.warmupMs;
    const until = measureFrom + options.durationMs;
    let calls = 0;
    let inWindow = 0;
    for (let t0 = performance.now(); t0 < until; t0 = performance.now()) {
      await once();
      calls++;
      const t1 = performance.now();
      if (t0 >= measureFrom) samples.push(t1 - t0);
      if (t1 >= measureFrom && t1 <= until) inWindow++;
    }
    const cpu = reading();
    return {
      floor: 'redis-streams',
      model: model.name,
      payloadBytes: payload.length,
      concurrency: 1,
      requests: samples.length,
      throughputPerSecond: inWindow / (options.durationMs / 1000),
      latencyMs: summarizeLatencies(samples.values()),
      cpuMsPerRequest: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / Math.max(1, calls)])),
    };
  } finally {
    commands.disconnect();
    replies.disconnect();
    await responder.stop(5_000);
    await redis.stop();
  }
}

/** The three services of a maas stack, as the idle design floor stands them in. */
const IDLE_FLOOR_SERVICES = ['gateway', 'registry', 'worker'] as const;

/**
 * The idle floor of the design with its services in it: beside a Consul dev agent and a Redis (already
 * running), one bare process per maas service (a gRPC health server and one blocked Redis read:
 * floor-processes.ts idle-service), each registered in Consul with the gRPC health check the design asks of
 * every service, at `checkIntervalMs` (the stack's MAAS_CONSUL_CHECK_INTERVAL_MS). Resolves once Consul
 * reports every check passing, with the processes to read and a stop().
 */
export async function startIdleDesignFloor(consulUrl: string, redisPort: number, checkIntervalMs: number): Promise<{ cpuWatch: CpuWatch; stop: () => Promise<void> }> {
  const started: Array<{ name: string; proc: ManagedProcess }> = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map(({ proc }) => proc.stop(5_000)));
  };
  try {
    for (const name of IDLE_FLOOR_SERVICES) {
      const port = await freePort();
      const proc = startFloorProcess('idle-service', port, redisPort);
      started.push({ name, proc });
      await waitFor(() => proc.log().includes('ready'), 20_000, `the idle floor's ${name}`);
      const res = await fetch(`${consulUrl}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({
          Name: `floor-${name}`,
          ID: `floor-${name}`,
          Address: '127.0.0.1',
          Port: port,
          Check: { Name: `floor-${name} gRPC health`, GRPC: `127.0.0.1:${port}`, GRPCUseTLS: false, Interval: `${checkIntervalMs}ms`, Timeout: `${Math.max(checkIntervalMs, 1000)}ms`, DeregisterCriticalServiceAfter: '1m' },
        }),
      });
      if (!res.ok) throw new Error(`Consul refused the idle floor's ${name}: HTTP ${res.status} ${await res.text()}`);
    }
    await waitFor(async () => {
      const checks = (await (await fetch(`${consulUrl}/v1/agent/checks`)).json()) as Record<string, { Status: string; ServiceID: string }>;
      return Object.values(checks).filter((c) => c.ServiceID.startsWith('floor-') && c.Status === 'passing').length === IDLE_FLOOR_SERVICES.length;
    }, 30_000, "Consul's gRPC checks of the idle floor passing");
    return { cpuWatch: started.map(({ name, proc }) => ({ name, pid: proc.child.pid ?? -1 })), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
