import { Worker } from 'node:worker_threads';
import type { RedisOptions } from 'ioredis';
import { queueScriptSource } from './scripts';

/** One heartbeat's raw answer, as the thread posts it. */
export interface BeatMessage {
  ok: boolean;
  epoch?: string;
  now?: number;
  expired?: string[];
  gateways?: string[];
  atMs?: number;
  error?: string;
}

/**
 * The renewal loop, run in a worker thread with its own Redis connection. A worker's main thread blocks in
 * onnxruntime's synchronous session.run and model loads; a lease renewed from there would lapse during a
 * long batch and another worker would take jobs that are still being computed. The thread keeps beating
 * while the process lives, and stops with it (SIGKILL included).
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const { Redis } = require(workerData.ioredisPath);
const redis = new Redis({ ...workerData.redisOptions, enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false,
  retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
  ...(workerData.redisOptions.sentinels ? { sentinelRetryStrategy: (attempt) => Math.min(100 * attempt, 1000) } : {}) });
redis.on('error', () => {});
redis.defineCommand('maasHeartbeat', { numberOfKeys: 3, lua: workerData.script });
let stopped = false;
let busy = false;
async function beat() {
  if (stopped || busy) return;
  busy = true;
  try {
    const a = workerData.args;
    const [epoch, now, expired, gateways] = await redis.maasHeartbeat(...workerData.keys, a.kind, a.member, a.ttlMs, randomBytes(8).toString('hex'), a.gatewayGraceMs);
    parentPort.postMessage({ ok: true, epoch: String(epoch), now: Number(now), expired: expired.map(String), gateways: gateways.map(String), atMs: Date.now() });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message || err) });
  } finally { busy = false; }
}
redis.once('ready', () => void beat());
const timer = setInterval(beat, workerData.renewMs);
parentPort.on('message', (m) => {
  if (m === 'beat') void beat();
  if (m === 'stop') { stopped = true; clearInterval(timer); redis.disconnect(); parentPort.close(); }
});
`;

/** Starts the renewal thread; `args` are heartbeat.lua's ARGV except the random epoch (made per beat). */
export function startLeaseThread(options: {
  redisOptions: RedisOptions;
  keys: [string, string, string];
  args: { kind: string; member: string; ttlMs: number; gatewayGraceMs: number };
  renewMs: number;
  onBeat: (message: BeatMessage) => void;
}): { stop: () => Promise<void>; beatNow: () => void } {
  const script = queueScriptSource('maasHeartbeat');
  // Functions do not cross to the thread (structured clone): it sets its own retry strategies.
  const { retryStrategy: _r, sentinelRetryStrategy: _s, ...redisOptions } = options.redisOptions as RedisOptions & { sentinelRetryStrategy?: unknown };
  void _r;
  void _s;
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { ioredisPath: require.resolve('ioredis'), redisOptions, keys: options.keys, args: options.args, renewMs: options.renewMs, script } });
  worker.unref();
  worker.on('message', (m: BeatMessage) => options.onBeat(m));
  worker.on('error', (err) => options.onBeat({ ok: false, error: `lease thread failed: ${err.message}` }));
  return {
    beatNow: () => worker.postMessage('beat'),
    stop: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
      await worker.terminate();
    },
  };
}
