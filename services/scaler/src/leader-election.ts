import type { createConsulClient } from '@maas/discovery';
import type { Logger } from '@maas/logging';

/**
 * One active scaler through a Consul lock: a session (TTL, behavior "delete", a small lock-delay, and
 * optionally tied to this instance's health check) acquires a KV key. The leader renews the session at
 * half the TTL and re-reads the key; the moment a renewal fails, the key names another session, or the
 * last confirmation is older than the TTL (Consul unreachable), isLeader() turns false — before any
 * other instance could have acquired the key. A standby retries the acquire every `retryMs`; when the
 * leader's session goes away (its TTL lapses, its health check fails, or it releases on shutdown) the
 * key is free again after the lock-delay.
 */

/** The consul@2 client @maas/discovery creates. */
type Consul = ReturnType<typeof createConsulClient>;

/** Options of a LeaderElection. */
export interface LeaderElectionOptions {
  consul: Consul;
  /** KV key of the lock, e.g. maas/scaler/leader. */
  key: string;
  /** Stored in the key (who leads), and the session's name. */
  instanceId: string;
  /** Session TTL; Consul's minimum is 10 s. */
  ttlSeconds: number;
  /** Consul lock-delay after a session is invalidated. */
  lockDelayMs: number;
  /**
   * Health checks the session depends on (e.g. "serfHealth", "service:<id>"); the session dies with them.
   * Consul refuses a session while one of them is critical; if that lasts `checksGraceMs` (default three
   * TTLs: the agent cannot reach this instance's health port), the session is created with "serfHealth"
   * only — a takeover then waits for the TTL — and a warning says so.
   */
  checks: readonly string[];
  checksGraceMs?: number;
  /** How often a standby tries to acquire, and how long to wait after an error. */
  retryMs: number;
  logger: Logger;
  /** Called on every change of leadership (true: became leader). */
  onChange?: (leader: boolean) => void;
}

/** A Consul session lock held in a background loop. */
export class LeaderElection {
  private sessionId: string | undefined;
  private confirmedAtMs = 0;
  private leader = false;
  private stopped = false;
  private failures = 0;
  private criticalSinceMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: LeaderElectionOptions) {}

  /** Starts the background loop (returns at once). */
  start(): void {
    this.loop ??= this.run();
  }

  /** True only while the lock is held and was confirmed within the session TTL. */
  isLeader(): boolean {
    if (this.leader && Date.now() - this.confirmedAtMs >= this.options.ttlSeconds * 1000) this.setLeader(false, 'lock not confirmed within the session TTL');
    return this.leader;
  }

  /** Stops the loop and gives the lock up: release the key (no lock-delay for the next leader), destroy the session. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    const { consul, key } = this.options;
    const session = this.sessionId;
    this.sessionId = undefined;
    this.setLeader(false, 'stopping');
    if (!session) return;
    await consul.kv.set({ key, value: this.options.instanceId, release: session }).catch(() => undefined);
    await consul.session.destroy(session).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delayMs = this.options.retryMs;
      try {
        if (this.leader) {
          await this.renew();
          delayMs = (this.options.ttlSeconds * 1000) / 2;
        } else {
          await this.tryAcquire();
          if (this.leader) delayMs = (this.options.ttlSeconds * 1000) / 2;
        }
        this.failures = 0;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // Once per outage, not once per retry (a session tied to a check fails until the check passes).
        if (this.failures++ === 0) this.options.logger.warn({ err: message, key: this.options.key }, 'leader election: Consul call failed; retrying');
        this.setLeader(false, `Consul error: ${message}`);
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delayMs);
      });
    }
  }

  private async tryAcquire(): Promise<void> {
    const { consul, key, instanceId } = this.options;
    this.sessionId ??= await this.createSession();
    const acquired = (await consul.kv.set({ key, value: instanceId, acquire: this.sessionId })) as boolean;
    if (acquired) {
      this.confirmedAtMs = Date.now();
      this.setLeader(true, 'acquired the lock');
      return;
    }
    // Keep our session alive while waiting; a session Consul forgot is replaced on the next try.
    if (!(await this.renewSession())) this.sessionId = undefined;
  }

  private async createSession(): Promise<string> {
    const { consul, instanceId, checks, logger } = this.options;
    const graceMs = this.options.checksGraceMs ?? this.options.ttlSeconds * 3000;
    const fallBack = this.criticalSinceMs !== undefined && Date.now() - this.criticalSinceMs > graceMs;
    const sessionChecks = fallBack ? checks.filter((c) => c === 'serfHealth') : [...checks];
    try {
      const created = (await consul.session.create({
        name: `maas-scaler ${instanceId}`,
        ttl: `${this.options.ttlSeconds}s`,
        behavior: 'delete',
        lockdelay: `${this.options.lockDelayMs}ms`,
        checks: sessionChecks,
      })) as { ID: string };
      if (fallBack) logger.warn({ checks }, 'leader session created without the health check (it stayed critical): a standby takes over only after the session TTL');
      this.criticalSinceMs = undefined;
      return created.ID;
    } catch (err) {
      // Expected for a moment at start: the health check turns passing only once this instance serves.
      if (/critical state/i.test(err instanceof Error ? err.message : '')) this.criticalSinceMs ??= Date.now();
      throw err;
    }
  }

  private async renew(): Promise<void> {
    const { consul, key } = this.options;
    if (!(await this.renewSession())) {
      this.sessionId = undefined;
      this.setLeader(false, 'session expired');
      return;
    }
    const entry = (await consul.kv.get(key)) as { Session?: string } | undefined | null;
    if (entry?.Session !== this.sessionId) {
      this.setLeader(false, 'lock key no longer held by this session');
      return;
    }
    this.confirmedAtMs = Date.now();
  }

  /** False when Consul no longer knows the session. */
  private async renewSession(): Promise<boolean> {
    if (!this.sessionId) return false;
    try {
      const renewed = (await this.options.consul.session.renew(this.sessionId)) as unknown[] | undefined;
      return Array.isArray(renewed) && renewed.length > 0;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  private setLeader(leader: boolean, why: string): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.options.logger.info({ leader, why, key: this.options.key }, leader ? 'became the active scaler' : 'no longer the active scaler');
    this.options.onChange?.(leader);
  }
}
