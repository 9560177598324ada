/**
 * Redis key names, the one place they are spelled. Model names are DNS labels (no ':'), so the keys
 * cannot collide. Scripts touch a jobs stream and a reply stream together, so the queue needs a single
 * Redis (or a primary with replicas/Sentinel), not Redis Cluster.
 */
export const keys = {
  /** The stream of one model version's jobs. */
  jobs: (model: string, version: number): string => `maas:jobs:${model}:${version}`,
  /** Bounded stream of jobs that failed too often, with the reason. */
  deadLetters: (model: string, version: number): string => `maas:dead:${model}:${version}`,
  /** One gateway's reply stream; expires when the gateway stops getting replies. */
  replies: (gatewayId: string): string => `maas:replies:${gatewayId}`,
  /** One worker's residency record (JSON: pool, execution provider, served/loaded versions), with a TTL. */
  residency: (workerId: string): string => `maas:residency:${workerId}`,
  /** Sorted set of worker ids scored by when their residency record expires (epoch ms). */
  residencyIndex: (): string => 'maas:residency-index',
  /** Pub/sub channel on which the gateway asks workers to load or unload a version. */
  workerControl: (): string => 'maas:worker-control',
  /** Hash of a version's ModelStatistics counters, summed over workers and gateways. */
  versionStats: (model: string, version: number): string => `maas:stats:${model}:${version}`,
};

/** The consumer group workers share on every jobs stream. */
export const DEFAULT_GROUP = 'workers';
