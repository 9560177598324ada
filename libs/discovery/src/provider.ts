import type { Logger } from '@maas/logging';
import { ConfigError } from '@maas/errors';
import { ConsulWatcher } from './consul-watcher';
import { StaticProvider, parseStaticPeers } from './static-provider';
import type { InstanceProvider } from './types';

/** The discovery settings every service shares (see @maas/config commonSettings). */
export interface DiscoverySettings {
  discovery: 'consul' | 'static';
  consulUrl: string;
  consulToken: string;
  consulCaFile: string;
  staticPeers: string;
}

/** Returns a provider for a peer service according to the process's discovery settings. */
export function createProvider(settings: DiscoverySettings, service: string, logger: Logger, tag?: string): InstanceProvider {
  if (settings.discovery === 'static') {
    const addresses = parseStaticPeers(settings.staticPeers).get(service);
    if (!addresses) throw new ConfigError(`MAAS_STATIC_PEERS has no entry for ${service} (MAAS_DISCOVERY=static)`);
    return new StaticProvider(service, addresses);
  }
  return new ConsulWatcher({ consulUrl: settings.consulUrl, consulToken: settings.consulToken, consulCaFile: settings.consulCaFile, service, logger, ...(tag ? { tag } : {}) });
}
