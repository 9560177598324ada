import { createProvider, type InstanceProvider } from '@maas/discovery';
import { ConfigError } from '@maas/errors';
import { loadGrpcObject, PREPROCESS_PROTO_FILES, type PreprocessProtoGrpcType } from '@maas/protos';
import { RegistryClient } from '@maas/registry-client';
import type { ServiceDefinition } from '@maas/runtime';
import { preprocessSettings } from './config';
import { preprocessHandlers } from './handlers';
import { createPreprocessMetrics } from './metrics';
import { PipelineSource } from './pipeline-source';

/** Full proto name of the service (also its health-check name). */
export const PREPROCESSOR_SERVICE_NAME = 'maas.preprocess.v1.Preprocessor';

/**
 * The preprocessing service: declarative per-model pipelines (raw items → tensors, outputs → answers). Finds
 * maas-registry through discovery to fetch specs and side files; without a registry (static discovery with
 * no maas-registry peer) it serves inline specs only.
 */
export const preprocessService: ServiceDefinition<typeof preprocessSettings> = {
  name: 'maas-preprocess',
  summary: 'maas preprocessing: declarative per-model pre/post-processing pipelines over gRPC (maas.preprocess.v1).',
  defaultPorts: { grpcPort: 8201, metricsPort: 8202 },
  settings: preprocessSettings,
  setup: async ({ config, logger, registry, server, transport }) => {
    const metrics = createPreprocessMetrics(registry);
    let provider: InstanceProvider | undefined;
    try {
      provider = createProvider(config, 'maas-registry', logger);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      logger.warn('no maas-registry peer configured: only inline pipeline specs (spec_json) are served');
    }
    const registryClient = provider && new RegistryClient({ provider, transport, apiKey: config.apiKey, timeoutMs: config.preprocessRegistryTimeoutMs });
    const source = new PipelineSource(registryClient, {
      cacheSize: config.preprocessPipelineCacheSize,
      watchRetryMs: config.preprocessWatchRetryMs,
      logger,
      metrics,
    });
    const { grpcObject, packageDefinition } = loadGrpcObject<PreprocessProtoGrpcType>(PREPROCESS_PROTO_FILES);
    server.addService(
      PREPROCESSOR_SERVICE_NAME,
      grpcObject.maas.preprocess.v1.Preprocessor.service,
      preprocessHandlers({ source, metrics, maxItems: config.preprocessMaxItems }),
      packageDefinition,
    );
    return {
      tags: ['v1'],
      ready: async () => source.startWatch(),
      close: async () => {
        source.close();
        registryClient?.close();
        provider?.close();
      },
    };
  },
};
