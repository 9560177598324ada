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
