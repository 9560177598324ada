import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startConsul, type ConsulHandle } from './consul';
import { freePort, waitFor } from './ports';
import type { ManagedProcess } from './process';
import { startRedis, startSentinelSet, type RedisHandle, type SentinelSet } from './redis';
import { startServiceProcess } from './service-process';
import { httpsRequest, type TestCerts } from './tls';

/** Options for a whole local platform started by a test or a benchmark. */
export interface StackOptions {
  /** How many worker processes (default 1). */
  workers?: number;
  /** Start the preprocess service too (default false). */
  preprocess?: boolean;
  /** Extra env for every service, and per service. */
  env?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  registryEnv?: Record<string, string>;
  preprocessEnv?: Record<string, string>;
  /** Run every service with mutual TLS from these certificates (Consul's checks show the caller's pair). */
  tls?: TestCerts;
  /** Run Redis as a primary + replica under three sentinels; every service connects through Sentinel. */
  sentinel?: boolean;
}

/** One service process of a stack: its gRPC address and its Prometheus endpoint. */
export interface ServiceHandle {
  address: string;
  metricsUrl: string;
  process: ManagedProcess;
  /** SIGKILL (or SIGTERM with `graceful`), wait downMs, start it again on the same ports with the same env. */
  restart(options?: { downMs?: number; graceful?: boolean }): Promise<void>;
}

/** A running platform: real Redis, real Consul, the services as real processes. */
export interface Stack {
  /** The Redis the services use (with `sentinel`: the first primary). */
  redis: RedisHandle;
  /** With `sentinel`: the primary, the replica and the sentinels. */
  sentinel?: SentinelSet;
  consul: ConsulHandle;
  /** Folder holding the registry root and worker caches; removed by stop(). */
  dir: string;
  registry: ServiceHandle;
  gateway: { grpcAddress: string; httpUrl: string; metricsUrl: string; process: ManagedProcess; restart(options?: { downMs?: number; graceful?: boolean }): Promise<void> };
  workers: Array<ServiceHandle & { id: string }>;
  preprocess?: ServiceHandle;
  /** Env every service of this stack got (for starting more workers). */
  baseEnv: Record<string, string>;
  /** Starts one more worker; returns it. */
  addWorker(extraEnv?: Record<string, string>): Promise<ServiceHandle & { id: string }>;
  stop(): Promise<void>;
}

/**
 * Starts Redis, a Consul dev agent, the registry, N workers, optionally preprocess, and the gateway, each on
 * free loopback ports, and waits until all are SERVING. Services must be built (`make build`).
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-stack-'));
  const sentinel = options.sentinel ? await startSentinelSet() : undefined;
  const redis = sentinel ? sentinel.primary : await startRedis();
  const stopRedis = async (): Promise<void> => (sentinel ? sentinel.stop() : redis.stop());
  const tls = options.tls;
  const consul = await startConsul(tls ? { checkTls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } } : {}).catch(async (err: unknown) => {
    await stopRedis();
    throw err;
  });
  const redisEnv: Record<string, string> = sentinel
    ? { MAAS_REDIS_URL: redis.url, MAAS_REDIS_SENTINELS: sentinel.sentinels.join(','), MAAS_REDIS_SENTINEL_MASTER: sentinel.masterName }
    : { MAAS_REDIS_URL: redis.url };
  const baseEnv: Record<string, string> = { ...redisEnv, MAAS_CONSUL_URL: consul.url, MAAS_SHUTDOWN_GRACE_MS: '5000', MAAS_LOG_LEVEL: 'info', ...options.env };
  const started = new Set<ManagedProcess>();
  const healthTransport = tls?.transport();
  const tlsEnv = (service: string): Record<string, string> => (tls ? tls.serviceEnv(service) : {});
  /** Starts a service on fixed ports; the handle can restart it on the same ones. */
  const launchOn = async (service: string, grpcPort: number, env: Record<string, string>) => {
    const spawn = async (): Promise<ManagedProcess> => {
      const proc = await startServiceProcess({ service, grpcPort, env: { ...tlsEnv(service), ...env }, ...(healthTransport ? { healthTransport } : {}) });
      started.add(proc);
      return proc;
    };
    const handle = {
      process: await spawn(),
      async restart(o: { downMs?: number; graceful?: boolean } = {}) {
        if (o.graceful) await handle.process.stop(5000);
        else await handle.process.kill();
        started.delete(handle.process);
        if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
        handle.process = await spawn();
      },
    };
    return handle;
  };
  const launch = async (service: string, env: Record<string, string>) => {
    const grpcPort = await freePort();
    const metricsPort = await freePort();
    const handle = await launchOn(service, grpcPort, { ...baseEnv, MAAS_METRICS_PORT: String(metricsPort), ...env });
    return Object.assign(handle, { address: `127.0.0.1:${grpcPort}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` });
  };
  const stopAll = async () => {
    await Promise.all([...started].map((p) => p.stop(5000)));
    await consul.stop();
    await stopRedis();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const registry = await launch('registry', { MAAS_REGISTRY_ROOT: path.join(dir, 'models'), ...options.registryEnv });
    let workerCount = 0;
    const addWorker = async (extraEnv: Record<string, string> = {}) => {
      const id = `worker-${++workerCount}`;
      const w = await launch('worker', { MAAS_INSTANCE_ID: id, MAAS_WORKER_CACHE_DIR: path.join(dir, id), ...options.workerEnv, ...extraEnv });
      return Object.assign(w, { id });
    };
    const workers = [];
    for (let i = 0; i < (options.workers ?? 1); i++) workers.push(await addWorker());
    const preprocess = options.preprocess ? await launch('preprocess', { ...options.preprocessEnv }) : undefined;
    const httpPort = await freePort();
    const metricsPort = await freePort();
    const gatewayGrpc = await freePort();
    const gw = await launchOn('gateway', gatewayGrpc, { ...baseEnv, MAAS_HTTP_PORT: String(httpPort), MAAS_METRICS_PORT: String(metricsPort), ...options.gatewayEnv });
    // SERVING means the gateway's ports are up; ready also means it has discovered a registry and a worker
    // (a stack started without workers, which adds them later, cannot be ready yet).
    if (workers.length > 0) {
      const agent = tls?.httpsAgent();
      const ready = async (): Promise<boolean> =>
        agent ? (await httpsRequest(`https://127.0.0.1:${httpPort}/v2/health/ready`, agent)).status === 200 : (await fetch(`http://127.0.0.1:${httpPort}/v2/health/ready`)).ok;
      await waitFor(ready, 30_000, 'gateway ready (registry and worker discovered)');
      agent?.destroy();
    }
    return {
      redis,
      ...(sentinel ? { sentinel } : {}),
      consul,
      dir,
      registry,
      workers,
      ...(preprocess ? { preprocess } : {}),
      gateway: Object.assign(gw, { grpcAddress: `127.0.0.1:${gatewayGrpc}`, httpUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${httpPort}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` }),
      baseEnv,
      addWorker,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
