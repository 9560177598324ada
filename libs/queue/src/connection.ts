import { Redis } from 'ioredis';
import { MaasError, UnavailableError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { defineQueueCommands } from './scripts';

/**
 * A Redis connection for the queue: scripts defined, reconnecting forever with capped backoff, but a
 * command fails fast while Redis is down (no offline queue, one retry) so callers get UNAVAILABLE
 * instead of hanging. Connection errors are logged once per outage, not once per retry.
 */
export function connectRedis(redisUrl: string, name: string, logger: Logger): Redis {
  const redis = new Redis(redisUrl, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    lazyConnect: true,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message, redis: name }, 'redis connection error; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ redis: name }, 'redis connection back');
    down = false;
  });
  defineQueueCommands(redis);
  return redis;
}

/** Connects (or waits for the connection in progress); UNAVAILABLE when Redis cannot be reached. */
export async function ensureConnected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'wait') {
    await redis.connect().catch((err: unknown) => {
      throw asQueueError(err, 'cannot connect to Redis');
    });
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new UnavailableError(`Redis not ready (${redis.status})`)), 2000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A MaasError as is; anything else from ioredis (connection closed, not writeable, timeouts) as UNAVAILABLE. */
export function asQueueError(err: unknown, what: string): MaasError {
  if (err instanceof MaasError) return err;
  return new UnavailableError(`${what}: Redis unavailable (${err instanceof Error ? err.message : String(err)})`, { cause: err });
}

/** Resolves after ms. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
