import type * as grpc from '@grpc/grpc-js';
import { UnavailableError } from '@maas/errors';
import type { InstanceProvider, ServiceInstance } from './types';

/**
 * Client-side round-robin over a provider's healthy instances. Keeps one client per address, creates
 * clients for new instances and closes those of instances that left, following the provider's changes.
 */
export class Balancer<C extends grpc.Client> {
  private readonly clients = new Map<string, C>();
  private next = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly provider: InstanceProvider,
    private readonly makeClient: (address: string) => C,
  ) {
    this.unsubscribe = provider.onChange((instances) => this.prune(instances));
  }

  private prune(instances: readonly ServiceInstance[]): void {
    const live = new Set(instances.map((i) => i.address));
    for (const [address, client] of this.clients) {
      if (!live.has(address)) {
        client.close();
        this.clients.delete(address);
      }
    }
  }

  /** The next healthy instance's client; UNAVAILABLE when there is none. */
  pick(): C {
    return this.pickWithAddress().client;
  }

  /** Like pick(), also saying which address was chosen (for logs and retries elsewhere). */
  pickWithAddress(exclude?: ReadonlySet<string>): { client: C; address: string } {
    const all = this.provider.instances();
    const instances = exclude ? all.filter((i) => !exclude.has(i.address)) : all;
    if (instances.length === 0) throw new UnavailableError(`no healthy instance of ${this.provider.service}`);
    const instance = instances[this.next++ % instances.length]!;
    let client = this.clients.get(instance.address);
    if (!client) {
      client = this.makeClient(instance.address);
      this.clients.set(instance.address, client);
    }
    return { client, address: instance.address };
  }

  /**
   * Like pick(), but when no instance is known yet (a peer starting, discovery catching up) waits up to
   * waitMs for one to appear before answering UNAVAILABLE.
   */
  async pickWhenAvailable(waitMs: number): Promise<C> {
    if (this.provider.instances().length > 0 || waitMs <= 0) return this.pick();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      const unsubscribe = this.provider.onChange((instances) => {
        if (instances.length > 0) done();
      });
      function done(): void {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    return this.pick();
  }

  /** How many healthy instances there are now. */
  size(): number {
    return this.provider.instances().length;
  }

  close(): void {
    this.unsubscribe();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
