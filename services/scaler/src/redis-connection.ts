import { Redis } from 'ioredis';
import type { Logger } from '@maas/logging';

/**
 * The scaler's Redis connection: reconnects forever with capped backoff, but a command fails fast while
 * Redis is down (no offline queue) so a tick reports the pool's queue error instead of hanging.
 * Connection errors are logged once per outage.
 */
export function connectScalerRedis(redisUrl: string, logger: Logger): Redis {
  const redis = new Redis(redisUrl, {
    connectionName: 'maas-scaler',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    lazyConnect: true,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message }, 'redis connection error; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis connection back');
    down = false;
  });
  return redis;
}
