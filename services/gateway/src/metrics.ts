import { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '@maas/metrics';

/** The gateway's Prometheus metrics. Labels: model, version, outcome (grpc code name) — bounded. */
export function gatewayMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'maas_requests_total',
      help: 'Inference requests by model, version and outcome (OK or the gRPC status name).',
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
