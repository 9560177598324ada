import type Consul from 'consul';
import type { Logger } from '@maas/logging';
import { UnavailableError } from '@maas/errors';
import { createConsulClient, type ConsulAccess } from './consul-client';
import type { InstanceProvider, ServiceInstance } from './types';

interface HealthEntry {
  Node: { Address: string };
  Service: { ID: string; Address: string; Port: number; Tags: string[] | null; Meta: Record<string, string> | null };
}

/** Options for watching one service's healthy instances. */
export interface ConsulWatcherOptions extends ConsulAccess {
  service: string;
  logger: Logger;
  /** Only instances carrying this tag (e.g. a worker pool). */
  tag?: string;
  /**
   * An empty answer right after a non-empty one is applied only if it persists this long: a restarted
   * Consul answers "none" until services register again, and clients should keep their last view
   * meanwhile. Default 5000 ms.
   */
  emptyGraceMs?: number;
}

/**
 * Follows a service's passing instances with Consul blocking queries (no polling). While Consul is down it
 * keeps the last known instances and retries with capped backoff.
 */
export class ConsulWatcher implements InstanceProvider {
  readonly service: string;
  private readonly consul: Consul;
  private readonly watch: ReturnType<Consul['watch']>;
  private current: readonly ServiceInstance[] = [];
  private readonly listeners = new Set<(instances: readonly ServiceInstance[]) => void>();
  private firstView: Promise<void>;
  private resolveFirst!: () => void;
  private emptyTimer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(private readonly options: ConsulWatcherOptions) {
    this.service = options.service;
    this.consul = createConsulClient(options, 40_000);
    this.firstView = new Promise((resolve) => (this.resolveFirst = resolve));
    this.watch = this.consul.watch({
      method: this.consul.health.service,
      options: { service: options.service, passing: true, wait: '30s', ...(options.tag ? { tag: options.tag } : {}) } as unknown as Parameters<Consul['watch']>[0]['options'],
      backoffFactor: 100,
      backoffMax: 2000,
    });
    this.watch.on('change', (data: HealthEntry[]) => this.onData(data));
    this.watch.on('error', (err: Error) => {
      if (!this.failing) options.logger.warn({ consulService: options.service, err: err.message }, 'Consul watch failing; keeping last known instances');
      this.failing = true;
    });
  }

  private onData(entries: HealthEntry[]): void {
    if (this.failing) this.options.logger.info({ consulService: this.service }, 'Consul watch recovered');
    this.failing = false;
    const next = entries
      .map((e) => ({
        id: e.Service.ID,
        address: `${e.Service.Address || e.Node.Address}:${e.Service.Port}`,
        tags: e.Service.Tags ?? [],
        meta: e.Service.Meta ?? {},
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    this.resolveFirst();
    if (next.length === 0 && this.current.length > 0) {
      if (!this.emptyTimer) {
        this.emptyTimer = setTimeout(() => this.apply([]), this.options.emptyGraceMs ?? 5000);
        this.emptyTimer.unref();
      }
      return;
    }
    this.apply(next);
  }

  private apply(next: readonly ServiceInstance[]): void {
    if (this.emptyTimer) clearTimeout(this.emptyTimer);
    this.emptyTimer = undefined;
    const same = next.length === this.current.length && next.every((n, i) => n.id === this.current[i]?.id && n.address === this.current[i]?.address);
    this.current = next;
    if (!same) for (const fn of this.listeners) fn(next);
  }

  instances(): readonly ServiceInstance[] {
    return this.current;
  }

  onChange(fn: (instances: readonly ServiceInstance[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async ready(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError(`no answer from Consul about ${this.service} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.firstView, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.emptyTimer) clearTimeout(this.emptyTimer);
    this.watch.end();
    this.listeners.clear();
    // consul@2 keeps its keep-alive sockets otherwise.
    this.consul.destroy();
  }
}
