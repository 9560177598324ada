import type Redis from 'ioredis';
import { ResourceExhaustedError } from '@maas/errors';
import type { Principal } from './auth';

/**
 * Token bucket in Redis so limits hold across gateway replicas.
 * KEYS[1] bucket hash {tokens, ts}; ARGV: rate per second, burst, now (ms), cost.
 * Returns 1 when allowed, else the ms to wait until a token is available (negative).
 */
const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
if allowed == 1 then return 1 end
return -math.ceil((cost - tokens) * 1000 / rate)
`;

/** A tenant's request rate is spent (RESOURCE_EXHAUSTED; counted as outcome "rate_limited", not as our error). */
export class RateLimitedError extends ResourceExhaustedError {}

type RedisWithBucket = Redis & { maasTokenBucket(key: string, rate: number, burst: number, nowMs: number, cost: number): Promise<number> };

/** Per-key request rate limits (token bucket in Redis). Keys without a rate are unlimited. */
export class RateLimiter {
  private readonly redis: RedisWithBucket;

  constructor(redis: Redis, private readonly defaultRatePerSecond: number, private readonly defaultBurst: number) {
    redis.defineCommand('maasTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    this.redis = redis as RedisWithBucket;
  }

  /** Takes one token for the principal or throws RESOURCE_EXHAUSTED saying when to retry. */
  async take(principal: Principal): Promise<void> {
    const rate = principal.rateLimitPerSecond ?? this.defaultRatePerSecond;
    if (!(rate > 0)) return;
    const burst = principal.burst ?? (this.defaultBurst || Math.max(1, Math.ceil(rate)));
    const result = await this.redis.maasTokenBucket(`maas:ratelimit:${principal.keyId}`, rate, burst, Date.now(), 1);
    if (result !== 1) {
      throw new RateLimitedError(`rate limit of ${rate}/s (burst ${burst}) spent for tenant "${principal.tenant}"; retry in ${-result} ms`);
    }
  }
}
