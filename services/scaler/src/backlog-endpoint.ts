import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@maas/logging';
import type { QueueSignalSource } from './scaler-loop';

/**
 * The per-pool backlog, over plain HTTP, for KEDA's metrics-api trigger (`valueLocation: backlog`):
 *
 *   GET /keda/pools/<pool> → 200 {"pool", "backlog", "waiting", "inFlight", "oldestWaitingAgeSeconds", "streams"}
 *
 * The value sums every version's jobs stream of the pool's models (the reader finds them by SCAN), so it
 * follows an alias promoted to a new version with no change to the ScaledObject. Every scaler instance
 * answers, leader or standby: the value is a read of Redis, not a decision. When Redis cannot be read the
 * answer is 503, never a 0: KEDA then treats the trigger as failed, which keeps a busy pool at its
 * replicas (or moves it to the ScaledObject's fallback) instead of scaling it to zero.
 */

/** The body of GET /keda/pools/<pool>. */
export interface PoolBacklog {
  pool: string;
  /** waiting + in flight: the jobs the pool still has to finish (KEDA's metric). */
  backlog: number;
  waiting: number;
  inFlight: number;
  oldestWaitingAgeSeconds: number;
  /** Jobs streams counted (one per model version that ever had a job). */
  streams: number;
}

/** Options of a BacklogEndpoint. */
export interface BacklogEndpointOptions {
  /** Pool name → its models. */
  pools: ReadonlyMap<string, readonly string[]>;
  queue: QueueSignalSource;
  logger: Logger;
}

const POOL_PATH = /^\/keda\/pools\/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$/;

/** Reads one pool's backlog (exported for tests and the HTTP handler). */
export async function readPoolBacklog(pool: string, models: readonly string[], queue: QueueSignalSource): Promise<PoolBacklog> {
  const s = await queue.read(models);
  return {
    pool,
    backlog: s.waiting + s.inFlight,
    waiting: s.waiting,
    inFlight: s.inFlight,
    oldestWaitingAgeSeconds: Math.round(s.oldestWaitingAgeMs) / 1000,
    streams: s.streams,
  };
}

/** The HTTP server of the backlog endpoint. */
export class BacklogEndpoint {
  private server: http.Server | undefined;

  constructor(private readonly options: BacklogEndpointOptions) {}

  /** Answers one request (public for tests): status and JSON body. */
  async handle(method: string, url: string): Promise<{ status: number; body: unknown }> {
    const pathOnly = url.split('?')[0] ?? '';
    if (method !== 'GET') return { status: 405, body: { error: `method ${method} not allowed: only GET` } };
    if (pathOnly === '/healthz') return { status: 200, body: { ok: true } };
    if (pathOnly === '/keda/pools') return { status: 200, body: { pools: [...this.options.pools.keys()].sort() } };
    const match = POOL_PATH.exec(pathOnly);
    if (!match) return { status: 404, body: { error: `not found: ${pathOnly}; try GET /keda/pools/<pool>` } };
    const pool = match[1] ?? '';
    const models = this.options.pools.get(pool);
    if (!models) return { status: 404, body: { error: `unknown pool "${pool}"; known: ${[...this.options.pools.keys()].sort().join(', ') || '(none)'}` } };
    try {
      return { status: 200, body: await readPoolBacklog(pool, models, this.options.queue) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.options.logger.warn({ pool, err: message }, 'backlog endpoint: cannot read the queue');
      return { status: 503, body: { error: `cannot read the backlog of pool "${pool}" from Redis: ${message}` } };
    }
  }

  /** Listens on host:port (0: a free port); resolves with the bound port. */
  async listen(port: number, host: string): Promise<number> {
    const server = http.createServer((req, res) => {
      void this.handle(req.method ?? 'GET', req.url ?? '/').then(({ status, body }) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(`${JSON.stringify(body)}\n`);
      });
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
