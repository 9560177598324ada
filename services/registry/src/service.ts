import type { ServiceDefinition } from '@maas/runtime';
import { registrySettings } from './config';

/** The model registry service: versions, aliases, artifacts, change feed. */
export const registryService: ServiceDefinition<typeof registrySettings> = {
  name: 'maas-registry',
  summary: 'maas model registry: models, versions, aliases, artifacts and a change feed over gRPC.',
  defaultPorts: { grpcPort: 8101, metricsPort: 8102 },
  settings: registrySettings,
  setup: async () => ({ tags: ['v1'] }),
};
