import { ConfigError } from '@maas/errors';
import type { InstanceProvider, ServiceInstance } from './types';

/**
 * Fixed addresses for single-host runs without Consul. Spec: "maas-registry=127.0.0.1:8101,127.0.0.1:8111;
 * maas-preprocess=127.0.0.1:8201".
 */
export function parseStaticPeers(spec: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, addresses] = part.split('=');
    const list = (addresses ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!name || list.length === 0 || !list.every((a) => /^[^:\s]+:\d+$/.test(a))) {
      throw new ConfigError(`MAAS_STATIC_PEERS: "${part}" is invalid: expected name=host:port[,host:port]`);
    }
    out.set(name.trim(), list);
  }
  return out;
}

/** An InstanceProvider over a fixed list of addresses. */
export class StaticProvider implements InstanceProvider {
  private readonly list: readonly ServiceInstance[];

  constructor(readonly service: string, addresses: readonly string[]) {
    this.list = addresses.map((address) => ({ id: `${service}-${address}`, address, tags: [], meta: {} }));
  }

  instances(): readonly ServiceInstance[] {
    return this.list;
  }

  onChange(): () => void {
    return () => undefined;
  }

  async ready(): Promise<void> {}

  close(): void {}
}
