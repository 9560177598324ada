import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, from 0.5 ms to 30 s: inference spans sub-millisecond to multi-second. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Batch-size buckets (powers of two up to 256). */
export const BATCH_SIZE_BUCKETS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** The platform's release, as `maas_build_info{version}` reports it (the workspace version). */
export const MAAS_VERSION = '0.1.0';

/** Default sampling period of the `nodejs_eventloop_lag_*` metrics (prom-client's own default is 10 ms). */
export const DEFAULT_EVENT_LOOP_PRECISION_MS = 100;

/** Options of `createMetricsRegistry`. */
export interface MetricsRegistryOptions {
  /** The release `maas_build_info` reports (default MAAS_VERSION). */
  version?: string;
  /**
   * How often the event-loop delay monitor samples, in ms (default DEFAULT_EVENT_LOOP_PRECISION_MS). Each
   * sample is a timer that wakes the process: at 10 ms an otherwise idle Node process burns ~3 ms of CPU
   * per second on it, at 100 ms ~0.5. A stall longer than the period always shows; shorter ones only when
   * a sample falls inside them.
   */
  eventLoopPrecisionMs?: number;
}

/**
 * A registry for one process with Node's default process metrics (unprefixed, so standard dashboards
 * work), a `maas_service` label on every series (not `service`, which prometheus-operator sets on
 * ServiceMonitor targets and would rename to `exported_service`), and `maas_build_info` = 1 with the
 * release, Node version and, when the image sets MAAS_GIT_COMMIT, the commit.
 */
export function createMetricsRegistry(service: string, options: MetricsRegistryOptions = {}): Registry {
  const version = options.version ?? MAAS_VERSION;
  const registry = new Registry();
  registry.setDefaultLabels({ maas_service: service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: options.eventLoopPrecisionMs ?? DEFAULT_EVENT_LOOP_PRECISION_MS });
  new Gauge({
    name: 'maas_build_info',
    help: 'Always 1; labels say which build runs: version, node_version, git_commit.',
    labelNames: ['version', 'node_version', 'git_commit'],
    registers: [registry],
  }).set({ version, node_version: process.version, git_commit: process.env['MAAS_GIT_COMMIT'] ?? '' }, 1);
  return registry;
}

/** A running /metrics server. */
export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `GET /metrics` in Prometheus text format (and `/healthz` for humans) on host:port. */
export async function startMetricsServer(registry: Registry, port: number, host = '0.0.0.0'): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`metrics collection failed: ${(err as Error).message}\n`);
        },
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found: try GET /metrics\n');
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
