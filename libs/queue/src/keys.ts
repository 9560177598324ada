/**
 * Redis key names and stream bounds, the one place they are spelled. Model names are DNS labels (no ':'),
 * so the keys cannot collide. Scripts touch a jobs stream and a reply stream together, so the queue needs
 * a single Redis (or a primary with replicas/Sentinel), not Redis Cluster.
 */
export const keys = {
  /** The stream of one model version's jobs. */
  jobs: (model: string, version: number): string => `maas:jobs:${model}:${version}`,
  /** Bounded stream of jobs that failed too often, with the reason. */
  deadLetters: (model: string, version: number): string => `maas:dead:${model}:${version}`,
  /** One gateway's reply stream; expires when the gateway stops getting replies. */
  replies: (gatewayId: string): string => `maas:replies:${gatewayId}`,
  /** Sorted set of live workers: member = consumer id, score = lease expiry (Redis time, unix ms). */
  workerLeases: 'maas:leases:workers',
  /** Sorted set of live gateways: member = reply stream key, score = lease expiry (Redis time, unix ms). */
  gatewayLeases: 'maas:leases:gateways',
  /**
   * A random token written by the first process that finds it missing. Its value changes exactly when Redis
   * lost its data set (restarted empty, flushed, or failed over to a replica that never had it).
   */
  epoch: 'maas:epoch',
  /** One worker's residency record (JSON: pool, execution provider, served/loaded versions), with a TTL. */
  residency: (workerId: string): string => `maas:residency:${workerId}`,
  /** Sorted set of worker ids scored by when their residency record expires (epoch ms). */
  residencyIndex: (): string => 'maas:residency-index',
  /** Pub/sub channel on which the gateway asks workers to load or unload a version. */
  workerControl: (): string => 'maas:worker-control',
  /** Hash of a version's ModelStatistics counters, summed over workers and gateways. */
  versionStats: (model: string, version: number): string => `maas:stats:${model}:${version}`,
};

const JOBS_KEY = /^maas:jobs:([a-z0-9][-a-z0-9]*):(\d+)$/;

/** The model and version of a jobs stream key, or undefined when the key is not one. */
export function parseJobsKey(streamKey: string): { model: string; version: number } | undefined {
  const m = JOBS_KEY.exec(streamKey);
  return m ? { model: m[1]!, version: Number(m[2]) } : undefined;
}

/** The dead-letter stream that belongs to a jobs stream. */
export function deadLettersOf(streamKey: string): string {
  const parsed = parseJobsKey(streamKey);
  return parsed ? keys.deadLetters(parsed.model, parsed.version) : 'maas:dead:unknown:0';
}

/**
 * MAXLEN ~ safety bound of a jobs stream that refuses new jobs at maxDepth: far above maxDepth, so trimming
 * can never remove a live job (acked jobs are deleted, so the length is waiting + in flight). Requeues
 * replace an entry and never trim.
 */
export function jobsStreamMaxLen(maxDepth: number): number {
  return Math.max(10 * maxDepth, 10_000);
}

/** The consumer group workers share on every jobs stream. */
export const DEFAULT_GROUP = 'workers';
