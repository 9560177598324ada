import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@maas/logging';
import { Counter, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '@maas/metrics';

/** The per-RPC metrics every server exports. Labels: grpc_service, grpc_method, grpc_code (bounded). */
export interface GrpcServerMetrics {
  handled: Counter<'grpc_service' | 'grpc_method' | 'grpc_code'>;
  handlingSeconds: Histogram<'grpc_service' | 'grpc_method'>;
}

/** Registers maas_grpc_server_handled_total and maas_grpc_server_handling_seconds (once per registry). */
export function grpcServerMetrics(registry: Registry): GrpcServerMetrics {
  const existing = registry.getSingleMetric('maas_grpc_server_handled_total');
  if (existing) {
    return {
      handled: existing as GrpcServerMetrics['handled'],
      handlingSeconds: registry.getSingleMetric('maas_grpc_server_handling_seconds') as GrpcServerMetrics['handlingSeconds'],
    };
  }
  return {
    handled: new Counter({
      name: 'maas_grpc_server_handled_total',
      help: 'RPCs completed on the server, by service, method and status code.',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_code'],
      registers: [registry],
    }),
    handlingSeconds: new Histogram({
      name: 'maas_grpc_server_handling_seconds',
      help: 'Time from an RPC starting to its status being sent, in seconds.',
      labelNames: ['grpc_service', 'grpc_method'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
  };
}

const codeNames: Record<number, string> = Object.fromEntries(
  Object.entries(grpc.status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]),
);

/** Name of a gRPC status code ("NOT_FOUND"). */
export function statusName(code: number): string {
  return codeNames[code] ?? String(code);
}

/**
 * Logs one finished RPC: INTERNAL and UNKNOWN at error with their details, the rest at debug; health checks
 * (grpc.* services: probes run every second) never. The interceptor and the fast unary path both log through it.
 */
export function logRpc(logger: Logger, path: string, code: number, seconds: number, details?: string): void {
  if (path.startsWith('/grpc.')) return;
  if (code === grpc.status.INTERNAL || code === grpc.status.UNKNOWN) {
    logger.error({ rpc: path, code: statusName(code), durationMs: seconds * 1000, details }, 'rpc failed');
  } else if (logger.isLevelEnabled('debug')) {
    logger.debug({ rpc: path, code: statusName(code), durationMs: seconds * 1000 }, 'rpc');
  }
}

/**
 * A server interceptor that counts and times every RPC and logs failures (and, at debug, every call).
 * Health checks are counted but never logged: probes run every second.
 */
export function observabilityInterceptor(metrics: GrpcServerMetrics, logger: Logger): grpc.ServerInterceptor {
  return (methodDescriptor, call) => {
    const started = process.hrtime.bigint();
    const [, serviceName = 'unknown', methodName = 'unknown'] = /^\/([^/]+)\/([^/]+)$/.exec(methodDescriptor.path) ?? [];
    const responder = new grpc.ResponderBuilder()
      .withSendStatus((status, next) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.handled.inc({ grpc_service: serviceName, grpc_method: methodName, grpc_code: statusName(status.code) });
        metrics.handlingSeconds.observe({ grpc_service: serviceName, grpc_method: methodName }, seconds);
        logRpc(logger, methodDescriptor.path, status.code, seconds, status.details);
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}
