import * as os from 'node:os';
import { createConsulClient } from '@maas/discovery';
import { ConfigError } from '@maas/errors';
import { connectRedis, DEFAULT_GROUP, redisTargetOf } from '@maas/queue';
import type { ServiceDefinition } from '@maas/runtime';
import { scalerSettings } from './config';
import { KubeScaleClient } from './kube-scale';
import { LeaderElection } from './leader-election';
import { scalerMetrics } from './metrics';
import { loadPolicyFile } from './policy';
import { QueueSignalReader } from './queue-signals';

import { ScalerLoop } from './scaler-loop';

/** Consul service name of the scaler. */
export const SCALER_SERVICE_NAME = 'maas-scaler';

/**
 * The scaler: queue-aware autoscaling of worker pool Deployments through the Kubernetes API. Its gRPC
 * port serves only grpc.health.v1 (probes, and the Consul check its leader session is tied to).
 */
export const scalerService: ServiceDefinition<typeof scalerSettings> = {
  name: SCALER_SERVICE_NAME,
  summary: 'maas scaler: scales worker pool Deployments from queue signals; one active instance through a Consul lock.',
  defaultPorts: { grpcPort: 8401, metricsPort: 8402 },
  settings: scalerSettings,
  setup: async ({ config, logger, registry }) => {
    if (config.scalerPolicyFile === '') throw new ConfigError('MAAS_SCALER_POLICY_FILE is required: a JSON file with the per-pool policies (see docs/scaler.md)');
    const pools = loadPolicyFile(config.scalerPolicyFile);
    // The same id the runtime registers in Consul, so the leader's session can depend on its health check.
    const fixedPort = config.grpcPort !== 0;
    const instanceId = config.instanceId || `${SCALER_SERVICE_NAME}-${os.hostname()}-${config.grpcPort}`;
    const kube = await KubeScaleClient.create({ kubeconfigPath: config.k8sKubeconfig, namespace: config.k8sNamespace, instanceId });
    const redis = connectRedis(redisTargetOf(config), 'maas-scaler', logger);
    const metrics = scalerMetrics(registry);

    let election: LeaderElection | undefined;
    if (config.discovery === 'consul') {
      election = new LeaderElection({
        consul: createConsulClient(config),
        key: config.scalerLockKey,
        instanceId,
        ttlSeconds: config.scalerLockTtlSeconds,
        lockDelayMs: config.scalerLockDelayMs,
        checks: fixedPort || config.instanceId ? ['serfHealth', `service:${instanceId}`] : ['serfHealth'],
        retryMs: config.scalerLeaderRetryMs,
        logger,
        onChange: (leader) => metrics.isLeader.set(leader ? 1 : 0),
      });
    } else {
      logger.warn('discovery is static: no Consul lock, this instance acts as the only scaler');
    }
    const loop = new ScalerLoop({
      pools,
      queue: new QueueSignalReader(redis, DEFAULT_GROUP, config.scalerStreamCacheMs),
      kube,
      isLeader: () => election?.isLeader() ?? true,
      dryRun: config.scalerDryRun,
      intervalMs: config.scalerIntervalMs,
      metrics,
      logger,
    });
    logger.info(
      { pools: pools.map((p) => ({ name: p.name, deployment: p.deployment, models: p.models })), namespace: kube.namespace, dryRun: config.scalerDryRun },
      'scaler configured',
    );
    return {
      tags: config.scalerDryRun ? ['dry-run'] : [],
      meta: { namespace: kube.namespace },
      ready: async () => {
        await redis.connect().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'redis not reachable yet; ticks report it until it is'));
        // Started after registration: the session depends on this instance's health check.
        election?.start();
        loop.start();
      },
      drain: async () => {
        await loop.stop();
        await election?.stop();
        metrics.isLeader.set(0);
      },
      close: async () => {
        redis.disconnect();
      },
    };
  },
};
