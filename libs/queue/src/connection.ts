import * as fs from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { MaasError, UnavailableError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { defineQueueCommands, UNPIPELINED_COMMANDS } from './scripts';

/**
 * Where Redis is: a URL (redis:// or rediss://, with password and db), or — when `sentinels` is set — the
 * current primary of `sentinelMaster` as Redis Sentinel reports it; the URL's password, username, db and
 * TLS still apply then, only its host and port are replaced.
 */
export interface RedisTarget {
  url: string;
  /** Sentinels as "host:port"; empty = connect to the URL's host. */
  sentinels?: readonly string[];
  /** The master group name the sentinels monitor (required with sentinels). */
  sentinelMaster?: string;
  /** PEM file of the CA that signed Redis's certificate (rediss://); empty = the system CAs. */
  tlsCaFile?: string;
}

/** A plain URL or a full target. */
export type RedisAddress = string | RedisTarget;

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/;

/** Parses "host:port" entries; throws a message naming the bad one. */
export function parseSentinels(items: readonly string[]): Array<{ host: string; port: number }> {
  return items.map((item) => {
    const m = HOST_PORT.exec(item.trim());
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new Error(`sentinel "${item}" is invalid: expected host:port`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/** ioredis options for a target (everything but the queue's own retry and queueing policy). */
export function redisTargetOptions(address: RedisAddress): RedisOptions {
  const target: RedisTarget = typeof address === 'string' ? { url: address } : address;
  const url = new URL(target.url);
  const tls = url.protocol === 'rediss:' ? { ...(target.tlsCaFile ? { ca: fs.readFileSync(target.tlsCaFile) } : {}) } : undefined;
  const auth = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
  };
  if (target.sentinels && target.sentinels.length > 0) {
    if (!target.sentinelMaster) throw new Error('MAAS_REDIS_SENTINEL_MASTER is required when MAAS_REDIS_SENTINELS is set');
    return {
      ...auth,
      sentinels: parseSentinels(target.sentinels),
      name: target.sentinelMaster,
      ...(tls ? { tls, enableTLSForSentinelMode: true } : {}),
      // Ask the sentinels again soon after a primary goes away, and follow +switch-master at once.
      sentinelRetryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
      failoverDetector: true,
    };
  }
  return { ...auth, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379), ...(tls ? { tls } : {}) };
}

/** A short description of a target for log lines (no password). */
export function describeRedis(address: RedisAddress): string {
  const target: RedisTarget = typeof address === 'string' ? { url: address } : address;
  if (target.sentinels && target.sentinels.length > 0) return `sentinel master "${target.sentinelMaster}" via ${target.sentinels.join(',')}`;
  const url = new URL(target.url);
  return `${url.protocol}//${url.host}`;
}

/**
 * A Redis connection for the queue: scripts defined, reconnecting forever with capped backoff, but a
 * command fails fast while Redis is down (no offline queue, one retry) so callers get UNAVAILABLE
 * instead of hanging. Connection errors are logged once per outage, not once per retry. `autoPipelining`
 * batches the commands of one tick into one write (for hot command connections, never for blocking reads).
 */
export function connectRedis(address: RedisAddress, name: string, logger: Logger, options: { autoPipelining?: boolean } = {}): Redis {
  const redis = new Redis({
    ...redisTargetOptions(address),
    // Commands issued in the same event-loop tick go out as one write (one syscall, one Redis read) instead of one each.
    ...(options.autoPipelining ? { enableAutoPipelining: true, autoPipeliningIgnoredCommands: [...UNPIPELINED_COMMANDS] } : {}),
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
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
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new UnavailableError(`Redis not ready (${redis.status})`));
    }, 2000);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** The server's run id (INFO server): it changes when Redis restarts or a failover promotes another node. */
export async function serverRunId(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /run_id:(\w+)/.exec(info)?.[1] ?? '';
}

/** True for the error Redis gives when a stream or its consumer group is missing (e.g. after an empty restart). */
export function isNoGroupError(err: unknown): boolean {
  return /NOGROUP/.test(err instanceof Error ? err.message : String(err));
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
