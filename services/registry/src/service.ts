import { Authenticator } from '@maas/auth';
import { loadGrpcObject, type RegistryProtoGrpcType } from '@maas/protos';
import type { ServiceDefinition } from '@maas/runtime';
import { RegistryAccess } from './access';
import { registrySettings } from './config';
import { registryHandlers } from './grpc-service';
import { registryMetrics } from './metrics';
import { Repository } from './repository';

/** Full name of the gRPC service (also its health-check name). */
export const REGISTRY_GRPC_SERVICE = 'maas.registry.v1.ModelRegistry';

/** The model registry service: versions, aliases, artifacts, change feed. */
export const registryService: ServiceDefinition<typeof registrySettings> = {
  name: 'maas-registry',
  summary: 'maas model registry: models, versions, aliases, artifacts and a change feed over gRPC.',
  defaultPorts: { grpcPort: 8101, metricsPort: 8102 },
  settings: registrySettings,
  setup: async ({ config, logger, registry, server }) => {
    const repository = await Repository.open({
      root: config.registryRoot,
      watchHistoryEvents: config.registryWatchHistoryEvents,
      aliasHistoryEntries: config.registryAliasHistoryEntries,
      logger,
    });
    const metrics = registryMetrics(registry, () => repository);
    let beginShutdown = (): void => undefined;
    const shutdown = new Promise<void>((resolve) => {
      beginShutdown = resolve;
    });
    const { packageDefinition, grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(['maas/registry/v1/registry.proto']);
    const auth = new Authenticator({ enabled: config.authEnabled, keysFile: config.authKeysFile, logger });
    const handlers = registryHandlers({
      repository,
      access: new RegistryAccess(auth, (model) => repository.ownerOf(model)),
      metrics,
      logger,
      maxArtifactBytes: config.registryMaxArtifactBytes,
      uploadIdleTimeoutMs: config.registryUploadIdleTimeoutMs,
      watchHeartbeatMs: config.registryWatchHeartbeatMs,
      shutdown,
    });
    server.addService(REGISTRY_GRPC_SERVICE, grpcObject.maas.registry.v1.ModelRegistry.service, handlers, packageDefinition);
    return {
      tags: ['v1'],
      meta: { root: repository.root },
      drain: async () => beginShutdown(),
      close: async () => {
        auth.close();
        await repository.close();
      },
    };
  },
};
