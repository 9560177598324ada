import { list, string, url } from '@maas/config';
import type { RedisTarget } from './connection';

/**
 * The Redis settings every service that uses the queue shares (env MAAS_REDIS_URL, MAAS_REDIS_SENTINELS,
 * MAAS_REDIS_SENTINEL_MASTER, MAAS_REDIS_TLS_CA_FILE). Spread into a service's settings.
 */
export const redisSettings = {
  redisUrl: url('redis://127.0.0.1:6379', 'Redis holding the job queue (with Sentinel: only its password, username, db and rediss:// TLS are used)', ['redis:', 'rediss:']),
  redisSentinels: list([], 'Redis Sentinel addresses (host:port,...); when set they replace the host of MAAS_REDIS_URL and the services follow failovers', /^(\[[0-9a-fA-F:]+\]|[^:\s,]+):\d{1,5}$/),
  redisSentinelMaster: string('', 'master group name the sentinels monitor (required with MAAS_REDIS_SENTINELS)', /^[-\w.]*$/, 'a name'),
  redisTlsCaFile: string('', 'PEM CA bundle that signed Redis\'s certificate, for rediss:// (empty: the system CAs)'),
};

/** The Redis target of a service's config; throws a message naming the setting when they do not fit together. */
export function redisTargetOf(config: { redisUrl: string; redisSentinels: readonly string[]; redisSentinelMaster: string; redisTlsCaFile: string }): RedisTarget {
  if (config.redisSentinels.length > 0 && config.redisSentinelMaster === '') {
    throw new Error('MAAS_REDIS_SENTINEL_MASTER is required when MAAS_REDIS_SENTINELS is set (the master group name the sentinels monitor)');
  }
  return {
    url: config.redisUrl,
    ...(config.redisSentinels.length > 0 ? { sentinels: config.redisSentinels, sentinelMaster: config.redisSentinelMaster } : {}),
    ...(config.redisTlsCaFile ? { tlsCaFile: config.redisTlsCaFile } : {}),
  };
}
