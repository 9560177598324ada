import type Consul from 'consul';
import type { Logger } from '@maas/logging';
import { createConsulClient, type ConsulAccess } from './consul-client';

/** What a service registers about itself. */
export interface RegistrationOptions extends ConsulAccess {
  /** Consul service name: maas-gateway, maas-registry, ... */
  name: string;
  /** Unique instance id. */
  id: string;
  /** Address peers use to reach this instance. */
  address: string;
  port: number;
  /** version, pool, execution provider, ... */
  tags?: readonly string[];
  meta?: Record<string, string>;
  /** gRPC health check interval; default 1s so a dead instance leaves routing within seconds. */
  checkIntervalMs?: number;
  /** How often the registration is verified and redone (Consul restarted, agent lost state); default 2s. */
  resyncIntervalMs?: number;
  /** The instance serves TLS: Consul's gRPC check connects with TLS (not verifying the name: it dials an IP). */
  tls?: boolean;
  logger: Logger;
}

/**
 * Registers a service with a gRPC health check and keeps it registered: a resync loop notices when the
 * agent forgot it (Consul restarted) and registers again; while Consul is unreachable it retries with
 * backoff and logs once per outage. deregister() removes it on graceful shutdown.
 */
export class ConsulRegistrar {
  private readonly consul: Consul;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private registered = false;

  constructor(private readonly options: RegistrationOptions) {
    this.consul = createConsulClient(options);
  }

  /** Registers now (retrying in the background on failure) and starts the resync loop. */
  async start(): Promise<void> {
    await this.sync();
  }

  /** Whether the last sync found the service registered. */
  isRegistered(): boolean {
    return this.registered;
  }

  private async register(): Promise<void> {
    const o = this.options;
    const intervalMs = o.checkIntervalMs ?? 1000;
    await this.consul.agent.service.register({
      name: o.name,
      id: o.id,
      address: o.address,
      port: o.port,
      tags: [...(o.tags ?? [])],
      meta: o.meta ?? {},
      check: {
        name: `${o.name} gRPC health`,
        grpc: `${o.address}:${o.port}`,
        grpcusetls: o.tls ?? false,
        ...(o.tls ? { tlsskipverify: true } : {}),
        interval: `${intervalMs}ms`,
        timeout: `${Math.max(intervalMs, 1000)}ms`,
        deregistercriticalserviceafter: '1m',
      },
    });
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    let delayMs = this.options.resyncIntervalMs ?? 2000;
    try {
      const services = (await this.consul.agent.service.list()) as Record<string, unknown>;
      // consul@2 resolves (rather than rejects) with some transport errors, such as a TLS verification failure.
      if (Object.prototype.toString.call(services) === '[object Error]') throw services as unknown as Error;
      if (!(this.options.id in services)) {
        await this.register();
        this.options.logger.info({ consulService: this.options.name, id: this.options.id }, 'registered in Consul');
      }
      this.registered = true;
      if (this.failures > 0) this.options.logger.info({ failures: this.failures }, 'Consul reachable again');
      this.failures = 0;
    } catch (err) {
      this.registered = false;
      if (this.failures === 0) this.options.logger.warn({ err: (err as Error).message }, 'Consul unreachable; will keep retrying registration');
      this.failures += 1;
      delayMs = Math.min(500 * 2 ** Math.min(this.failures, 5), 10_000) * (0.75 + Math.random() * 0.5);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.sync(), delayMs);
      this.timer.unref();
    }
  }

  /** Stops the loop and removes the registration (best effort: Consul may be down). */
  async deregister(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    try {
      await this.consul.agent.service.deregister({ id: this.options.id });
      this.options.logger.info({ id: this.options.id }, 'deregistered from Consul');
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'deregistration failed; Consul will reap the critical check');
    }
    this.consul.destroy();
  }
}
