import type { Redis } from 'ioredis';
import { asQueueError } from './connection';
import { keys } from './keys';
import { streamIdMs } from './stream-reply';
import type { QueueStats } from './types';

/** Reads a model version's queue signals in one round trip (stats.lua: XLEN, XINFO GROUPS, XRANGE COUNT 1). */
export async function readQueueStats(redis: Redis, group: string, model: string, version: number): Promise<QueueStats> {
  try {
    const [depth, pending, oldestId, deadLetters] = await redis.maasStats(keys.jobs(model, version), keys.deadLetters(model, version), group);
    const inFlight = Math.min(Number(pending), Number(depth));
    return {
      depth: Number(depth),
      waiting: Number(depth) - inFlight,
      inFlight,
      oldestJobAgeMs: oldestId ? Math.max(0, Date.now() - streamIdMs(String(oldestId))) : 0,
      deadLetters: Number(deadLetters),
    };
  } catch (err) {
    throw asQueueError(err, `queue stats of ${model} v${version}`);
  }
}
