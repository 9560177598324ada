import * as crypto from 'node:crypto';
import * as os from 'node:os';
import { createProvider } from '@maas/discovery';
import { JobConsumer, connectRedis, parseJobsKey, redisTargetOf } from '@maas/queue';
import { RegistryClient } from '@maas/registry-client';
import type { ServiceDefinition } from '@maas/runtime';
import { calibrate } from './batch-calibration';
import { parseModelSelectors, workerSettings } from './config';
import { createSession, probeExecutionProvider } from './execution-providers';
import { FileModelSource } from './file-model-source';
import { InferenceStats } from './inference-stats';
import { InferenceWorker } from './inference-worker';
import { WorkerMetrics } from './metrics';
import { ModelCache } from './model-cache';
import type { ModelSource } from './model-source';
import { RegistryModelSource } from './registry-model-source';
import { ResidencyPublisher } from './residency';

/** model and version labels from a jobs stream key (maas:jobs:<model>:<version>). */
function streamLabels(streamKey: string): { model: string; version: string } {
  const { model, version } = parseJobsKey(streamKey) ?? { model: 'unknown', version: 0 };
  return { model, version: String(version) };
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
      redisUrl: redisTargetOf(config),
      leaseTtlMs: config.workerLeaseTtlMs,
      consumerId: workerId,
      logger,
      visibilityTimeoutMs: config.workerVisibilityTimeoutMs,
      maxDeliveries: config.workerMaxDeliveries,
      events: {
        onRedelivery: (key) => metrics.redeliveries.inc(streamLabels(key)),
        onDeadLetter: (key) => metrics.deadLetters.inc(streamLabels(key)),
        onExpired: (key) => metrics.jobs.inc({ ...streamLabels(key), outcome: 'expired' }),
        // Its gateway is gone: dropped uncomputed (a taken-over job is counted as a redelivery).
        onOrphaned: (key) => metrics.jobs.inc({ ...streamLabels(key), outcome: 'orphaned' }),
      },
    });
    // Residency records, control commands and statistics share one connection of their own.
    const redis = connectRedis(redisTargetOf(config), `${workerId}-residency`, logger);
    await redis.connect().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'Redis not reachable yet for residency; retrying in the background'));
    const residency = new ResidencyPublisher({ redis, workerId, pool: config.workerPool, executionProvider, intervalMs: config.workerResidencyIntervalMs, logger });
    const stats = new InferenceStats(redis, logger);
    const cache = new ModelCache({
      memoryBudgetBytes: config.workerMemoryBudgetBytes,
      idleUnloadMs: config.workerIdleUnloadMs,
      load: async (info) => {
        const created = await createSession(await source.fetchArtifact(info), info.settings, executionProvider, logger, metrics);
        return info.batchDim && config.workerBatchTuning ? { ...created, ...(await calibrate(created, info, config.workerBatchCalibrationMs, logger, metrics)) } : created;
      },
      logger,
      metrics,
      events: residency,
    });
    const worker = new InferenceWorker({
      source,
      consumer,
      cache,
      metrics,
      logger,
      workerId,
      readBlockMs: config.workerReadBlockMs,
      batchTuning: config.workerBatchTuning,
      models: parseModelSelectors(config.workerModels),
      queueStatsIntervalMs: config.workerQueueStatsIntervalMs,
      stats,
      onServedChange: () => residency.publishSoon(),
    });
    logger.info({ workerId, pool: config.workerPool, executionProvider, models: config.workerModels, source: config.workerModelDir ? 'dir' : 'registry' }, 'worker starting');
    return {
      tags: ['v1', `pool=${config.workerPool}`, `ep=${executionProvider}`],
      meta: { pool: config.workerPool, executionProvider, workerId },
      ready: async () => {
        await residency.start(worker); // first, so the preload shows as LOADING
        await worker.start();
        stats.start(config.workerStatsFlushMs);
        logger.info({ served: worker.servedKeys() }, 'worker ready');
      },
      drain: async () => {
        await residency.stop(); // no longer counts as holding anything: readiness moves to the other workers
        await worker.drain();
        await stats.stop();
      },
      close: async () => {
        await cache.close();
        await consumer.close();
        redis.disconnect();
        source.close();
      },
    };
  },
};
