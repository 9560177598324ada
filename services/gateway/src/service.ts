import * as os from 'node:os';
import Redis from 'ioredis';
import { StaticProvider, createProvider } from '@maas/discovery';
import { loadGrpcObject, INFERENCE_PROTO_FILES, type InferenceProtoGrpcType } from '@maas/protos';
import { JobProducer, redisTargetOf, redisTargetOptions } from '@maas/queue';
import { RegistryClient } from '@maas/registry-client';
import type { ServiceDefinition } from '@maas/runtime';
import { Authenticator } from './auth';
import { gatewaySettings } from './config';
import { fastModelInfer } from './fast-infer';
import { GatewayState } from './gateway-state';
import { inferenceHandlers } from './grpc-inference';
import { createHttpServer, listenHttp } from './http-server';
import type { GatewayHttpServer } from './http-tls';
import { InferenceService } from './infer';
import { gatewayMetrics } from './metrics';
import { ModelCatalog } from './model-catalog';
import { ModelRepository } from './model-repository';
import { PreprocessPipeline } from './pipeline-client';
import { RateLimiter } from './rate-limit';
import { ResidencyView } from './residency';
import { StatisticsStore } from './statistics';
import { TenantIsolation } from './tenant-isolation';

/** The gateway: Open Inference Protocol v2 over gRPC and HTTP in front of the queue and the workers. */
export const gatewayService: ServiceDefinition<typeof gatewaySettings> = {
  name: 'maas-gateway',
  summary: 'maas gateway: Open Inference Protocol v2 (KServe) over gRPC and HTTP/JSON; auth, quotas, canaries, backpressure.',
  defaultPorts: { grpcPort: 8001, metricsPort: 8002 },
  settings: gatewaySettings,
  setup: async ({ config, logger, registry, server, tls, transport }) => {
    const auth = new Authenticator({ enabled: config.authEnabled, keysFile: config.authKeysFile, logger });
    const redisTarget = redisTargetOf(config);
    const redis = new Redis({ ...redisTargetOptions(redisTarget), maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: true });
    redis.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));
    await redis.connect().catch((err: Error) => logger.warn({ err: err.message }, 'Redis not reachable yet; retrying in the background'));
    const registryClient = new RegistryClient({ provider: createProvider(config, 'maas-registry', logger), transport, apiKey: config.apiKey, timeoutMs: 5000 });
    const workers = createProvider(config, 'maas-worker', logger);
    const catalog = new ModelCatalog(registryClient, logger, config.catalogTtlMs);
    const gatewayId = config.gatewayId || `${os.hostname()}-${process.pid}`;
    const producer = new JobProducer({ redisUrl: redisTarget, gatewayId, logger, defaultMaxDepth: config.queueMaxDepth, outageGraceMs: config.queueOutageGraceMs });
    const stats = new StatisticsStore(redis, logger);
    const repository = new ModelRepository(registryClient, new ResidencyView(redis));
    // Preprocessing is optional: with static discovery and no preprocess peer, pipelined models answer UNAVAILABLE.
    const preprocessPeers = config.discovery === 'static' && !config.staticPeers.includes('maas-preprocess=')
      ? new StaticProvider('maas-preprocess', [])
      : createProvider(config, 'maas-preprocess', logger);
    const pipeline = new PreprocessPipeline(preprocessPeers, transport, 10_000, config.localPostprocess ? { registry: registryClient, logger } : undefined);
    const metrics = gatewayMetrics(registry);
    const inference = new InferenceService({
      catalog,
      producer,
      limiter: new RateLimiter(redis, config.rateLimitPerSecond, config.rateLimitBurst),
      metrics,
      stats,
      queueMaxDepth: config.queueMaxDepth,
      pipeline,
      accessLog: config.accessLog,
    });
    const state = new GatewayState(inference, catalog, registryClient, workers, stats, repository, config.defaultTimeoutMs, () => redis.status === 'ready', pipeline);
    const isolation = new TenantIsolation(registryClient);
    const { grpcObject, packageDefinition } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
    const inferenceService = grpcObject.inference.GRPCInferenceService.service;
    server.addService('inference.GRPCInferenceService', inferenceService, inferenceHandlers(state, auth, isolation, logger), packageDefinition);
    if (config.fastInfer) server.addFastUnary(fastModelInfer(state, auth, logger, inferenceService.ModelInfer));
    let httpServer: GatewayHttpServer | undefined;

    return {
      tags: ['v1', 'oip-v2'],
      meta: { httpPort: String(config.httpPort), gatewayId },
      ready: async () => {
        await producer.start();
        catalog.start();
        stats.start(1000);
        httpServer = createHttpServer(state, auth, isolation, logger, config.maxMessageBytes, tls);
        const port = await listenHttp(httpServer, config.bindAddress, config.httpPort);
        logger.info({ httpPort: port, tls: tls !== undefined }, 'HTTP/JSON listening');
      },
      drain: async () => {
        // Stop taking HTTP requests; in-flight ones finish (their replies still arrive on our stream).
        await new Promise<void>((resolve) => (httpServer ? httpServer.close(() => resolve()) : resolve()));
      },
      close: async () => {
        auth.close();
        catalog.close();
        registryClient.close();
        workers.close();
        pipeline.close();
        await stats.close();
        await producer.close();
        redis.disconnect();
      },
    };
  },
};
