import * as os from 'node:os';
import { createConsulClient } from '@maas/discovery';
import { ConfigError } from '@maas/errors';
import { connectRedis, DEFAULT_GROUP, redisTargetOf } from '@maas/queue';
import type { ServiceDefinition } from '@maas/runtime';
import { scalerSettings } from './config';
import { KubeScaleClient } from './kube-scale';
import { LeaderElection } from './leader-election';
import { scalerMetrics } from './metrics';
import { BacklogEndpoint } from './backlog-endpoint';
import { loadScalerDocument } from './policy';
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
    const { pools, signals } = loadScalerDocument(config.scalerPolicyFile);
    // The same id the runtime registers in Consul, so the leader's session can depend on its health check.
    const fixedPort = config.grpcPort !== 0;
    const instanceId = config.instanceId || `${SCALER_SERVICE_NAME}-${os.hostname()}-${config.grpcPort}`;
    // Only pools it scales need the Kubernetes API; a scaler that only publishes backlogs (KEDA) needs none.
    const kube = pools.length > 0 ? await KubeScaleClient.create({ kubeconfigPath: config.k8sKubeconfig, namespace: config.k8sNamespace, instanceId }) : undefined;
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
    const queue = new QueueSignalReader(redis, DEFAULT_GROUP, config.scalerStreamCacheMs);
    const loop = kube
      ? new ScalerLoop({
          pools,
          queue,
          kube,
          isLeader: () => election?.isLeader() ?? true,
          dryRun: config.scalerDryRun,
          intervalMs: config.scalerIntervalMs,
          metrics,
          logger,
        })
      : undefined;
    // Every pool's backlog, for KEDA's metrics-api trigger: the pools it scales and the `signals` pools.
    const backlogPools = new Map<string, readonly string[]>([...pools.map((p) => [p.name, p.models] as const), ...signals.map((s) => [s.name, s.models] as const)]);
    const endpoint = new BacklogEndpoint({ pools: backlogPools, queue, logger });
    const backlogPort = await endpoint.listen(config.scalerBacklogPort, config.bindAddress);
    logger.info(
      {
        pools: pools.map((p) => ({ name: p.name, deployment: p.deployment, models: p.models })),
        signals: signals.map((s) => ({ name: s.name, models: s.models })),
        backlogPort,
        namespace: kube?.namespace,
        dryRun: config.scalerDryRun,
      },
      'scaler configured',
    );
    return {
      tags: config.scalerDryRun ? ['dry-run'] : [],
      meta: { ...(kube ? { namespace: kube.namespace } : {}), backlogPort: String(backlogPort) },
      ready: async () => {
        await redis.connect().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'redis not reachable yet; ticks report it until it is'));
        // Started after registration: the session depends on this instance's health check.
        election?.start();
        loop?.start();
      },
      drain: async () => {
        await loop?.stop();
        await election?.stop();
        metrics.isLeader.set(0);
      },
      close: async () => {
        await endpoint.close();
        redis.disconnect();
      },
    };
  },
};
