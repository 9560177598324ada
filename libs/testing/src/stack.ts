import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startConsul, type ConsulHandle } from './consul';
import { freePort, waitFor } from './ports';
import type { ManagedProcess } from './process';
import { startRedis, type RedisHandle } from './redis';
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
}

/** One service process of a stack: its gRPC address and its Prometheus endpoint. */
export interface ServiceHandle {
  address: string;
  metricsUrl: string;
  process: ManagedProcess;
}

/** A running platform: real Redis, real Consul, the services as real processes. */
export interface Stack {
  redis: RedisHandle;
  consul: ConsulHandle;
  /** Folder holding the registry root and worker caches; removed by stop(). */
  dir: string;
  registry: ServiceHandle;
  gateway: { grpcAddress: string; httpUrl: string; metricsUrl: string; process: ManagedProcess };
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
  const redis = await startRedis();
  const tls = options.tls;
  const consul = await startConsul(tls ? { checkTls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } } : {}).catch(async (err: unknown) => {
    await redis.stop();
    throw err;
  });
  const baseEnv: Record<string, string> = { MAAS_REDIS_URL: redis.url, MAAS_CONSUL_URL: consul.url, MAAS_SHUTDOWN_GRACE_MS: '5000', MAAS_LOG_LEVEL: 'info', ...options.env };
  const started: ManagedProcess[] = [];
  const healthTransport = tls?.transport();
  const tlsEnv = (service: string): Record<string, string> => (tls ? tls.serviceEnv(service) : {});
  const launch = async (service: string, env: Record<string, string>) => {
    const grpcPort = await freePort();
    const metricsPort = await freePort();
    const proc = await startServiceProcess({ service, grpcPort, env: { ...baseEnv, ...tlsEnv(service), MAAS_METRICS_PORT: String(metricsPort), ...env }, ...(healthTransport ? { healthTransport } : {}) });
    started.push(proc);
    return { address: `127.0.0.1:${grpcPort}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, process: proc };
  };
  const stopAll = async () => {
    await Promise.all(started.map((p) => p.stop(5000)));
    await consul.stop();
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const registry = await launch('registry', { MAAS_REGISTRY_ROOT: path.join(dir, 'models'), ...options.registryEnv });
    let workerCount = 0;
    const addWorker = async (extraEnv: Record<string, string> = {}) => {
      const id = `worker-${++workerCount}`;
      const w = await launch('worker', { MAAS_INSTANCE_ID: id, MAAS_WORKER_CACHE_DIR: path.join(dir, id), ...options.workerEnv, ...extraEnv });
      return { ...w, id };
    };
    const workers = [];
    for (let i = 0; i < (options.workers ?? 1); i++) workers.push(await addWorker());
    const preprocess = options.preprocess ? await launch('preprocess', { ...options.preprocessEnv }) : undefined;
    const httpPort = await freePort();
    const metricsPort = await freePort();
    const gatewayGrpc = await freePort();
    const gwProc = await startServiceProcess({
      service: 'gateway',
      grpcPort: gatewayGrpc,
      env: { ...baseEnv, ...tlsEnv('gateway'), MAAS_HTTP_PORT: String(httpPort), MAAS_METRICS_PORT: String(metricsPort), ...options.gatewayEnv },
      ...(healthTransport ? { healthTransport } : {}),
    });
    started.push(gwProc);
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
      consul,
      dir,
      registry,
      workers,
      ...(preprocess ? { preprocess } : {}),
      gateway: { grpcAddress: `127.0.0.1:${gatewayGrpc}`, httpUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${httpPort}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, process: gwProc },
      baseEnv,
      addWorker,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
