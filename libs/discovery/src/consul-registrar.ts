import { EventEmitter } from 'node:events';
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
  /**
   * Longest wait of one blocking read of the registration in the agent; default 60 s. A lost registration
   * (deregistered, or Consul restarted: the read fails at once) is noticed at once and redone, whatever this is.
   */
  resyncIntervalMs?: number;
  /** The instance serves TLS: Consul's gRPC check connects with TLS (not verifying the name: it dials an IP). */
  tls?: boolean;
  logger: Logger;
}

/** The papi request consul@2 is built on, as far as the registration watch uses it. */
interface PapiRequest {
  err?: Error;
  res?: { statusCode?: number; headers: Record<string, string | string[] | undefined> };
}
type PapiNext = (retry: false, err?: Error, value?: unknown) => void;
interface PapiClient {
  _get(req: object, handle: (request: PapiRequest, next: PapiNext) => void): Promise<unknown>;
}

/** What one read of the registration saw: whether the agent holds it, and the content hash to block on next. */
interface RegistrationView {
  registered: boolean;
  hash?: string;
}

/**
 * Registers a service with a gRPC health check and keeps it registered. A blocking read of the registration
 * in the agent (GET /v1/agent/service/<id> with its content hash, up to resyncIntervalMs) answers at once when
 * the agent drops it, and fails at once when the agent goes away (Consul restarted): then it registers again.
 * Idle, that is one HTTP request per resyncIntervalMs instead of a poll every few seconds. While Consul is
 * unreachable it retries with backoff and logs once per outage. deregister() removes it on graceful shutdown.
 */
export class ConsulRegistrar {
  private readonly consul: Consul;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private registered = false;
  /** The registration's content hash last seen: the next read blocks until it changes. */
  private hash: string | undefined;
  /** Cancels the blocking read in flight (deregister). */
  private readonly inFlight = new EventEmitter();

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

  /**
   * Reads the registration: at once without a hash, else blocking until its content hash changes or waitMs
   * passes. A 404 means the agent does not hold it; any other failure (Consul down, restarted) rejects.
   */
  private async readRegistration(hash: string | undefined, waitMs: number): Promise<RegistrationView> {
    const { id, consulToken } = this.options;
    const req = {
      name: 'agent.service.get',
      path: '/agent/service/{id}',
      params: { id },
      query: hash ? { hash, wait: `${waitMs}ms` } : {},
      headers: consulToken ? { 'x-consul-token': consulToken } : {},
      // Consul adds up to wait/16 of jitter to a blocking read; past that and a margin, the agent is gone.
      timeout: hash ? waitMs + Math.ceil(waitMs / 16) + 5000 : 5000,
      ctx: this.inFlight,
    };
    const view = await (this.consul as unknown as PapiClient)._get(req, (request, next) => {
      if (request.res?.statusCode === 404) return next(false, undefined, { registered: false });
      if (request.err) return next(false, request.err);
      const header = request.res?.headers['x-consul-contenthash'];
      return next(false, undefined, { registered: true, hash: typeof header === 'string' && header !== '' ? header : undefined });
    });
    return view as RegistrationView;
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    let delayMs = 0;
    try {
      const waitMs = this.options.resyncIntervalMs ?? 60_000;
      const view = await this.readRegistration(this.hash, waitMs);
      if (this.stopped) return;
      if (view.registered) {
        this.hash = view.hash;
        // An agent that gives no hash cannot block the next read: wait between plain reads instead.
        if (!view.hash) delayMs = waitMs;
      } else {
        this.hash = undefined;
        await this.register();
        this.options.logger.info({ consulService: this.options.name, id: this.options.id }, 'registered in Consul');
      }
      this.registered = true;
      if (this.failures > 0) this.options.logger.info({ failures: this.failures }, 'Consul reachable again');
      this.failures = 0;
    } catch (err) {
      if (this.stopped) return;
      this.registered = false;
      this.hash = undefined;
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
    // A blocking read in flight would hold the process for up to resyncIntervalMs.
    this.inFlight.emit('cancel');
    try {
      await this.consul.agent.service.deregister({ id: this.options.id });
      this.options.logger.info({ id: this.options.id }, 'deregistered from Consul');
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'deregistration failed; Consul will reap the critical check');
    }
    this.consul.destroy();
  }
}
