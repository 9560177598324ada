import { randomBytes } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '@maas/logging';
import { serverRunId } from './connection';
import { keys } from './keys';
import { startLeaseThread, type BeatMessage } from './lease-thread';

/** What one heartbeat learnt, on Redis's clock. */
export interface LeaseView {
  /** Redis time of the beat, unix ms. */
  redisNowMs: number;
  /** Local Date.now() minus redisNowMs (to judge other leases between beats). */
  clockOffsetMs: number;
  /** Workers whose lease lapsed (crashed or frozen), at most 100. */
  expiredWorkers: string[];
  /** Live and recently expired gateways: reply stream key → lease expiry (Redis ms). */
  gateways: Map<string, number>;
  /** Local Date.now() of the beat. */
  atMs: number;
}

/** Options of a Lease. */
export interface LeaseOptions {
  kind: 'worker' | 'gateway';
  /** Consumer id (worker) or reply stream key (gateway). */
  member: string;
  /** Lease length; another worker takes a dead worker's jobs once it lapsed. */
  ttlMs: number;
  /** How often it is renewed (≈ ttl / 3). */
  renewMs: number;
  /** A gateway whose lease lapsed this long ago is gone: its jobs are dropped, its reply stream deleted. */
  gatewayGraceMs: number;
  logger: Logger;
  /**
   * Called once Redis is found to be another instance than before (a restart — with or without data — or a
   * failover: a new run id), or to have lost its data set (a new epoch). Everything kept in Redis on this
   * process's behalf may be gone: consumer groups, jobs, replies.
   */
  onRedisChanged?: (reason: string) => Promise<void> | void;
  /**
   * Renew from a worker thread with its own connection (these options) instead of a timer on the main thread:
   * for processes whose main thread blocks for long stretches (onnxruntime's synchronous run and load).
   */
  thread?: { redisOptions: RedisOptions };
}

/**
 * A process's lease in Redis (a score in a sorted set, renewed on a timer, judged on Redis's clock), and its
 * detector of a replaced Redis: each reconnect compares the server's run id, each beat the epoch token.
 * The timer keeps running while Redis is down; beats fail quietly and resume when it is back.
 */
export class Lease {
  private timer: NodeJS.Timeout | undefined;
  private epoch: string | undefined;
  private runId: string | undefined;
  private view: LeaseView | undefined;
  private beating: Promise<LeaseView | undefined> | undefined;
  private changing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly onReady = (): void => void this.checkInstance();
  private thread: ReturnType<typeof startLeaseThread> | undefined;
  private threadWaiters: Array<(view: LeaseView | undefined) => void> = [];

  constructor(private readonly redis: Redis, private readonly options: LeaseOptions) {}

  /** The last successful beat, if any. */
  get last(): LeaseView | undefined {
    return this.view;
  }

  /** First beat (errors are logged, not thrown: the timer retries), then renews every renewMs. */
  async start(): Promise<void> {
    this.redis.on('ready', this.onReady);
    if (this.options.thread) {
      const { kind, member, ttlMs, gatewayGraceMs } = this.options;
      this.thread = startLeaseThread({
        redisOptions: this.options.thread.redisOptions,
        keys: [keys.epoch, keys.workerLeases, keys.gatewayLeases],
        args: { kind, member, ttlMs, gatewayGraceMs },
        renewMs: this.options.renewMs,
        onBeat: (m) => void this.onThreadBeat(m),
      });
    }
    await this.checkInstance();
    if (!this.thread) {
      this.timer = setInterval(() => void this.beat(), this.options.renewMs);
      this.timer.unref();
    }
  }

  /** Renews now (one in flight at a time). */
  beat(): Promise<LeaseView | undefined> {
    if (this.thread) {
      const thread = this.thread;
      return new Promise((resolve) => {
        this.threadWaiters.push(resolve);
        thread.beatNow();
      });
    }
    this.beating ??= this.doBeat().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  /** Stops renewing; with `release`, removes the lease at once (a graceful exit: nothing to take over). */
  async stop(release: boolean): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.thread?.stop();
    for (const waiter of this.threadWaiters.splice(0)) waiter(undefined);
    this.redis.off('ready', this.onReady);
    await this.changing;
    if (!release || this.redis.status !== 'ready') return;
    const set = this.options.kind === 'worker' ? keys.workerLeases : keys.gatewayLeases;
    await this.redis.zrem(set, this.options.member).catch(() => undefined);
  }

  private async checkInstance(): Promise<void> {
    if (this.stopped || this.redis.status !== 'ready') return;
    try {
      const runId = await serverRunId(this.redis);
      const previous = this.runId;
      this.runId = runId;
      const replaced = previous !== undefined && previous !== runId;
      // One rebuild per replacement: the beat below must not report the (also new) epoch a second time.
      if (replaced) this.epoch = undefined;
      await this.beat();
      if (replaced) await this.changed(`Redis run id changed (${previous.slice(0, 8)} → ${runId.slice(0, 8)}: restart or failover)`);
    } catch (err) {
      this.options.logger.debug({ err: (err as Error).message }, 'redis instance check failed; retrying on the next reconnect');
    }
  }

  private async doBeat(): Promise<LeaseView | undefined> {
    if (this.stopped || this.redis.status !== 'ready') return undefined;
    const { kind, member, ttlMs, gatewayGraceMs } = this.options;
    try {
      const [epoch, now, expired, gateways] = await this.redis.maasHeartbeat(
        keys.epoch, keys.workerLeases, keys.gatewayLeases, kind, member, ttlMs, randomBytes(8).toString('hex'), gatewayGraceMs,
      );
      return await this.absorb(String(epoch), Number(now), expired.map(String), gateways.map(String), Date.now());
    } catch (err) {
      this.options.logger.debug({ err: (err as Error).message }, 'lease renewal failed; retrying');
      return undefined;
    }
  }

  private async onThreadBeat(m: BeatMessage): Promise<void> {
    let view: LeaseView | undefined;
    if (m.ok && !this.stopped) view = await this.absorb(m.epoch!, m.now!, m.expired!, m.gateways!, m.atMs!);
    else if (!m.ok) this.options.logger.debug({ err: m.error }, 'lease renewal failed; retrying');
    for (const waiter of this.threadWaiters.splice(0)) waiter(view);
  }

  /** Takes in one beat's answer: the view of the other leases, and whether the epoch changed. */
  private async absorb(epoch: string, now: number, expired: string[], gateways: string[], atMs: number): Promise<LeaseView> {
    const byGateway = new Map<string, number>();
    for (let i = 0; i + 1 < gateways.length; i += 2) byGateway.set(gateways[i]!, Number(gateways[i + 1]));
    const view: LeaseView = { redisNowMs: now, clockOffsetMs: atMs - now, expiredWorkers: expired.filter((w) => w !== this.options.member), gateways: byGateway, atMs };
    this.view = view;
    const previous = this.epoch;
    this.epoch = epoch;
    if (previous !== undefined && previous !== epoch) await this.changed('Redis lost its data (new epoch)');
    return view;
  }

  private changed(reason: string): Promise<void> {
    this.changing = this.changing.then(async () => {
      this.options.logger.warn({ reason }, 'Redis was replaced or emptied; rebuilding queue state');
      try {
        await this.options.onRedisChanged?.(reason);
      } catch (err) {
        this.options.logger.warn({ err: (err as Error).message }, 'rebuilding queue state failed');
      }
    });
    return this.changing;
  }
}
