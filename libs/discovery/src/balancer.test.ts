import { UnavailableError } from '@maas/errors';
import * as grpc from '@grpc/grpc-js';
import { Balancer } from './balancer';
import type { InstanceProvider, ServiceInstance } from './types';

/** A provider whose instances the test sets (pure logic: no Consul involved). */
class ManualProvider implements InstanceProvider {
  readonly service = 'maas-test';
  private list: ServiceInstance[] = [];
  private readonly listeners = new Set<(i: readonly ServiceInstance[]) => void>();
  set(addresses: string[]): void {
    this.list = addresses.map((address) => ({ id: address, address, tags: [], meta: {} }));
    for (const l of this.listeners) l(this.list);
  }
  instances(): readonly ServiceInstance[] {
    return this.list;
  }
  onChange(fn: (i: readonly ServiceInstance[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  async ready(): Promise<void> {}
  close(): void {}
}

const Client = grpc.makeGenericClientConstructor({}, 'Test');
const make = (address: string) => new Client(address, grpc.credentials.createInsecure());

describe('Balancer', () => {
  it('round-robins and closes clients of instances that left', () => {
    const provider = new ManualProvider();
    const b = new Balancer(provider, make);
    provider.set(['127.0.0.1:1', '127.0.0.1:2']);
    expect([b.pickWithAddress().address, b.pickWithAddress().address].sort()).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    provider.set(['127.0.0.1:2']);
    expect(b.pickWithAddress().address).toBe('127.0.0.1:2');
    b.close();
  });

  it('waits for an instance to appear, within the wait', async () => {
    const provider = new ManualProvider();
    const b = new Balancer(provider, make);
    setTimeout(() => provider.set(['127.0.0.1:3']), 30);
    const started = Date.now();
    await expect(b.pickWhenAvailable(2000)).resolves.toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
    b.close();
  });

  it('answers UNAVAILABLE when none appears in time', async () => {
    const b = new Balancer(new ManualProvider(), make);
    await expect(b.pickWhenAvailable(20)).rejects.toBeInstanceOf(UnavailableError);
    b.close();
  });
});
