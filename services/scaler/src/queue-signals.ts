import type { Redis, Result } from 'ioredis';
import { keys } from '@maas/queue';

/**
 * Reads a pool's queue signals from Redis: one small read-only script per jobs stream, all streams of a
 * pool in one pipeline. A pool's streams are found by SCAN over the key pattern of its models' streams
 * (every version), cached for `streamCacheMs` so the keyspace is walked rarely.
 */

/** Signals of one pool's streams at one moment (Redis server time). */
export interface PoolQueueSample {
  /** Redis server time of the read, ms. */
  nowMs: number;
  waiting: number;
  inFlight: number;
  oldestWaitingAgeMs: number;
  /** entries-read of the workers' group per stream (streams with no group yet are absent). */
  entriesRead: Map<string, number>;
  streams: number;
}

/**
 * KEYS[1] jobs stream; ARGV[1] consumer group. Returns { XLEN, pending of the group, entries-read or -1,
 * id of the oldest entry not yet delivered to the group or '', Redis time ms }. Read only.
 */
const STREAM_SIGNALS_LUA = `
local depth = redis.call('XLEN', KEYS[1])
local pending, entriesRead, lastId = 0, -1, nil
if redis.call('EXISTS', KEYS[1]) == 1 then
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
    local f = {}
    for i = 1, #g, 2 do f[g[i]] = g[i + 1] end
    if f['name'] == ARGV[1] then
      pending = f['pending']
      lastId = f['last-delivered-id']
      if type(f['entries-read']) == 'number' then entriesRead = f['entries-read'] end
    end
  end
end
local oldest = ''
if depth > pending then
  local first
  if lastId then first = redis.call('XRANGE', KEYS[1], '(' .. lastId, '+', 'COUNT', 1)
  else first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1) end
  if #first > 0 then oldest = first[1][1] end
end
local t = redis.call('TIME')
return { depth, pending, entriesRead, oldest, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) }
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    maasScalerStreamSignals(key: string, group: string): Result<[number, number, number, string, number], Context>;
  }
}

/** The SCAN pattern of every version's stream of a model ("*": every model), spelled through keys.jobs. */
export function jobsStreamPattern(model: string): string {
  // keys.jobs is the one place the key is spelled; its version part is replaced by a wildcard.
  const example = keys.jobs(model === '*' ? 'MODEL' : model, 0);
  const pattern = example.replace(/0$/, '*');
  return model === '*' ? pattern.replace('MODEL', '*') : pattern;
}

/** Reads queue signals for pools; one instance per scaler, sharing one Redis connection. */
export class QueueSignalReader {
  private readonly streamCache = new Map<string, { atMs: number; keys: string[] }>();

  constructor(
    private readonly redis: Redis,
    private readonly group: string,
    private readonly streamCacheMs: number,
  ) {
    redis.defineCommand('maasScalerStreamSignals', { numberOfKeys: 1, lua: STREAM_SIGNALS_LUA });
  }

  /** The jobs streams of these models (cached; a new model version is seen within streamCacheMs). */
  async streamsOf(models: readonly string[]): Promise<string[]> {
    const found = new Set<string>();
    for (const model of models) {
      const cached = this.streamCache.get(model);
      if (cached && Date.now() - cached.atMs < this.streamCacheMs) {
        cached.keys.forEach((k) => found.add(k));
        continue;
      }
      const streams: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', jobsStreamPattern(model), 'COUNT', 1000, 'TYPE', 'stream');
        cursor = next;
        streams.push(...batch);
      } while (cursor !== '0');
      this.streamCache.set(model, { atMs: Date.now(), keys: streams });
      streams.forEach((k) => found.add(k));
    }
    return [...found].sort();
  }

  /** Sums the signals of every stream of the pool's models. */
  async read(models: readonly string[]): Promise<PoolQueueSample> {
    const streams = await this.streamsOf(models);
    const sample: PoolQueueSample = { nowMs: 0, waiting: 0, inFlight: 0, oldestWaitingAgeMs: 0, entriesRead: new Map(), streams: streams.length };
    if (streams.length === 0) {
      const [seconds, micros] = await this.redis.time();
      sample.nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      return sample;
    }
    const pipeline = this.redis.pipeline();
    for (const stream of streams) pipeline.maasScalerStreamSignals(stream, this.group);
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([err, reply], i) => {
      if (err) throw err;
      const [depth, pending, entriesRead, oldestId, nowMs] = reply as [number, number, number, string, number];
      const inFlight = Math.min(Number(pending), Number(depth));
      sample.nowMs = Math.max(sample.nowMs, Number(nowMs));
      sample.inFlight += inFlight;
      sample.waiting += Number(depth) - inFlight;
      if (Number(entriesRead) >= 0) sample.entriesRead.set(streams[i] ?? '', Number(entriesRead));
      if (oldestId) sample.oldestWaitingAgeMs = Math.max(sample.oldestWaitingAgeMs, Number(nowMs) - Number(oldestId.split('-')[0]));
    });
    return sample;
  }
}
