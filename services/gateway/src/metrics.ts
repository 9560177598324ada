import { toGrpcStatus } from '@maas/errors';
import { statusName } from '@maas/grpc-kit';
import { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '@maas/metrics';
import { RateLimitedError } from './rate-limit';

/**
 * The `outcome` label of maas_requests_total: "ok", "rate_limited" for a spent tenant quota, otherwise the
 * gRPC status name in lower case ("resource_exhausted", "not_found", ...). Lower snake case, like the
 * worker's outcomes.
 */
export function requestOutcome(err?: unknown): string {
  if (err === undefined) return 'ok';
  if (err instanceof RateLimitedError) return 'rate_limited';
  return statusName(toGrpcStatus(err).code).toLowerCase();
}

/** Model and version labels: a resolved target's, else "unresolved"/"none" (a typo must not mint series). */
export function requestLabels(target: { model: string; version: number } | undefined): { model: string; version: string } {
  return target ? { model: target.model, version: String(target.version) } : { model: 'unresolved', version: 'none' };
}

/** The gateway's Prometheus metrics. Labels: model, version, outcome (grpc code name) — bounded. */
export function gatewayMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'maas_requests_total',
      help: 'Inference requests by model, version (of the resolved target; unresolved/none otherwise) and outcome (ok, rate_limited, or the gRPC status name in lower case).',
      labelNames: ['model', 'version', 'outcome', 'protocol'] as const,
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'maas_request_duration_seconds',
      help: 'End-to-end inference latency at the gateway, from request received to response ready.',
      labelNames: ['model', 'version'] as const,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
    queueWaitSeconds: new Histogram({
      name: 'maas_gateway_queue_wait_seconds',
      help: 'Time jobs waited in the queue before a worker took them, as reported back to the gateway.',
      labelNames: ['model', 'version'] as const,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
    preprocessSeconds: new Histogram({
      name: 'maas_gateway_preprocess_seconds',
      help: 'Time spent in the preprocess service (pre + post) per request.',
      labelNames: ['model', 'version'] as const,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
    inflight: new Gauge({
      name: 'maas_gateway_inflight_requests',
      help: 'Inference requests being handled right now.',
      registers: [registry],
    }),
  };
}

/** The gateway metric set. */
export type GatewayMetrics = ReturnType<typeof gatewayMetrics>;

/** The labeled series one resolved version writes on the success path, bound to their labels once. */
export interface VersionSeries {
  /** maas_requests_total{outcome="ok"} of each protocol. */
  readonly ok: Readonly<Record<'grpc' | 'http', { inc(value?: number): void }>>;
  readonly requestSeconds: { observe(value: number): void };
  readonly queueWaitSeconds: { observe(value: number): void };
  readonly preprocessSeconds: { observe(value: number): void };
}

/** How many versions' series are kept bound; past it the cache starts over (a re-bind costs a few µs). */
export const VERSION_SERIES_CACHE_MAX_ENTRIES = 1024;

/**
 * The prom-client children (`.labels(...)`) of every per-version metric, bound once per model version so
 * the success path builds no label objects. Bounded: when a new version would take it past `maxEntries`
 * it is cleared and fills again from the versions still in use. Binding creates no series; a series
 * appears at its first inc/observe, exactly as with label objects.
 */
export class VersionSeriesCache {
  private readonly byVersion = new Map<string, VersionSeries>();

  constructor(private readonly metrics: GatewayMetrics, readonly maxEntries: number = VERSION_SERIES_CACHE_MAX_ENTRIES) {}

  /** The bound series of a model version. */
  of(model: string, version: number): VersionSeries {
    const key = `${model}\u0000${version}`;
    const hit = this.byVersion.get(key);
    if (hit !== undefined) return hit;
    if (this.byVersion.size >= this.maxEntries) this.byVersion.clear();
    const v = String(version);
    const { requests, requestSeconds, queueWaitSeconds, preprocessSeconds } = this.metrics;
    const series: VersionSeries = {
      ok: { grpc: requests.labels(model, v, 'ok', 'grpc'), http: requests.labels(model, v, 'ok', 'http') },
      requestSeconds: requestSeconds.labels(model, v),
      queueWaitSeconds: queueWaitSeconds.labels(model, v),
      preprocessSeconds: preprocessSeconds.labels(model, v),
    };
    this.byVersion.set(key, series);
    return series;
  }

  /** Versions bound now. */
  get size(): number {
    return this.byVersion.size;
  }
}
