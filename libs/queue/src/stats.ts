import type { Redis } from 'ioredis';
import { asQueueError } from './connection';
import { keys } from './keys';
import { streamIdMs } from './stream-reply';
import type { QueueStats } from './types';

/** Reads a model version's queue signals in one round trip (stats.lua: XLEN, XINFO GROUPS, XRANGE COUNT 1). */
export async function readQueueStats(redis: Redis, group: string, model: string, version: number): Promise<QueueStats> {
  try {
    return statsOf(await redis.maasStats(keys.jobs(model, version), keys.deadLetters(model, version), group));
  } catch (err) {
    throw asQueueError(err, `queue stats of ${model} v${version}`);
  }
}

/** readQueueStats() of several versions in one round trip (one pipelined write), in their order. */
export async function readQueueStatsMany(redis: Redis, group: string, versions: ReadonlyArray<{ model: string; version: number }>): Promise<QueueStats[]> {
  if (versions.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const { model, version } of versions) pipeline.maasStats(keys.jobs(model, version), keys.deadLetters(model, version), group);
  let replies: Array<[Error | null, unknown]>;
  try {
    replies = (await pipeline.exec()) ?? [];
  } catch (err) {
    throw asQueueError(err, `queue stats of ${versions.length} model versions`);
  }
  return versions.map(({ model, version }, i) => {
    const [err, reply] = replies[i] ?? [new Error('no reply from Redis'), undefined];
    if (err) throw asQueueError(err, `queue stats of ${model} v${version}`);
    return statsOf(reply as [number, number, string, number, string]);
  });
}

function statsOf([depth, pending, oldestId, deadLetters, newestId]: [number | string, number | string, string, number | string, string?]): QueueStats {
  const inFlight = Math.min(Number(pending), Number(depth));
  return {
    depth: Number(depth),
    waiting: Number(depth) - inFlight,
    inFlight,
    oldestJobAgeMs: oldestId ? Math.max(0, Date.now() - streamIdMs(String(oldestId))) : 0,
    deadLetters: Number(deadLetters),
    newestEntryId: newestId ? String(newestId) : '',
  };
}
