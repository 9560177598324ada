import * as crypto from 'node:crypto';
import * as os from 'node:os';
import { createProvider } from '@maas/discovery';
import { JobConsumer } from '@maas/queue';
import { RegistryClient } from '@maas/registry-client';
import type { ServiceDefinition } from '@maas/runtime';
import { parseModelSelectors, workerSettings } from './config';
import { createSession, probeExecutionProvider } from './execution-providers';
import { FileModelSource } from './file-model-source';
import { InferenceWorker } from './inference-worker';
import { WorkerMetrics } from './metrics';
import { ModelCache } from './model-cache';
import type { ModelSource } from './model-source';
import { RegistryModelSource } from './registry-model-source';

/** model and version labels from a jobs stream key (maas:jobs:<model>:<version>). */
function streamLabels(streamKey: string): { model: string; version: string } {
  const [, model = 'unknown', version = '0'] = /^maas:jobs:(.+):(\d+)$/.exec(streamKey) ?? [];
  return { model, version };
}

/**
 * The inference worker: pulls jobs of the models it serves from Redis Streams, batches them
 * dynamically, runs ONNX Runtime (CUDA when configured and working, else CPU) and replies. Health is
 * NOT_SERVING until the served models are resolved and preloaded, and again while draining.
 */
export const workerService: ServiceDefinition<typeof workerSettings> = {
  name: 'maas-worker',
  summary: 'maas inference worker: Redis Streams jobs → dynamic batches → onnxruntime (CUDA or CPU) → replies.',
  defaultPorts: { grpcPort: 8301, metricsPort: 8302 },
  settings: workerSettings,
  setup: async ({ config, logger, registry, transport }) => {
    const metrics = new WorkerMetrics(registry);
    const { provider: executionProvider } = await probeExecutionProvider(config.workerExecutionProviders, logger, metrics);
    const workerId = config.instanceId || `worker-${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
    const source: ModelSource = config.workerModelDir
      ? new FileModelSource(config.workerModelDir)
      : new RegistryModelSource({ registry: new RegistryClient({ provider: createProvider(config, 'maas-registry', logger), transport, apiKey: config.apiKey }), cacheDir: config.workerCacheDir, logger });
    const consumer = new JobConsumer({
      redisUrl: config.redisUrl,
      consumerId: workerId,
      logger,
      visibilityTimeoutMs: config.workerVisibilityTimeoutMs,
      maxDeliveries: config.workerMaxDeliveries,
      events: {
        onRedelivery: (key) => metrics.redeliveries.inc(streamLabels(key)),
        onDeadLetter: (key) => metrics.deadLetters.inc(streamLabels(key)),
        onExpired: (key) => metrics.jobs.inc({ ...streamLabels(key), outcome: 'expired' }),
      },
    });
    const cache = new ModelCache({
      memoryBudgetBytes: config.workerMemoryBudgetBytes,
      idleUnloadMs: config.workerIdleUnloadMs,
      load: async (info) => createSession(await source.fetchArtifact(info), info.settings, executionProvider, logger, metrics),
      logger,
      metrics,
    });
    const worker = new InferenceWorker({
      source,
      consumer,
      cache,
      metrics,
      logger,
      workerId,
      readBlockMs: config.workerReadBlockMs,
      models: parseModelSelectors(config.workerModels),
      queueStatsIntervalMs: config.workerQueueStatsIntervalMs,
    });
    logger.info({ workerId, pool: config.workerPool, executionProvider, models: config.workerModels, source: config.workerModelDir ? 'dir' : 'registry' }, 'worker starting');
    return {
      tags: ['v1', `pool=${config.workerPool}`, `ep=${executionProvider}`],
      meta: { pool: config.workerPool, executionProvider, workerId },
      ready: async () => {
        await worker.start();
        logger.info({ served: worker.servedKeys() }, 'worker ready');
      },
      drain: () => worker.drain(),
      close: async () => {
        await cache.close();
        await consumer.close();
        source.close();
      },
    };
  },
};
