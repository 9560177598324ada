import { bytes, integer, oneOf, port, string, url } from './settings';

/** MAAS_HEAP_GROWING_PERCENT's default (the bench gives its floor processes the same). */
export const DEFAULT_HEAP_GROWING_PERCENT = 200;

/** Settings every service shares; each service spreads these into its own spec with its port defaults. */
export function commonSettings(defaults: { grpcPort: number; metricsPort: number }) {
  return {
    logLevel: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info', 'log level'),
    grpcPort: port(defaults.grpcPort, 'gRPC listen port (0 picks a free one)'),
    metricsPort: port(defaults.metricsPort, 'Prometheus /metrics HTTP port (0 picks a free one)'),
    bindAddress: string('0.0.0.0', 'address the servers listen on'),
    advertiseAddress: string('127.0.0.1', 'address registered in Consul for peers to reach this instance (the pod IP in Kubernetes)'),
    consulUrl: url('http://127.0.0.1:8500', 'Consul agent HTTP API; empty discovery means static peers'),
    discovery: oneOf(['consul', 'static'] as const, 'consul', 'how peers are found: Consul, or MAAS_STATIC_PEERS'),
    staticPeers: string('', 'static peers for single-host runs: "maas-registry=127.0.0.1:8101;maas-preprocess=127.0.0.1:8201"'),
    instanceId: string('', 'Consul service id of this instance; default <service>-<host>-<port>'),
    maxMessageBytes: bytes(64 * 2 ** 20, 'largest gRPC request or response message (and HTTP body where there is one)'),
    grpcReceiveWindowBytes: bytes(8 * 2 ** 20, 'HTTP/2 receive window the gRPC server opens on each connection and stream (0 = HTTP/2\'s 64 KiB): a larger request otherwise waits half way for a WINDOW_UPDATE round trip'),
    shutdownGraceMs: integer(10000, 'how long a SIGTERM drain may take before in-flight work is cut', 0, 600000),
    tlsCertFile: string('', 'PEM certificate the servers present (gRPC, the gateway\'s HTTP) and the clients show their peers; with MAAS_TLS_KEY_FILE it turns TLS on; re-read when it changes'),
    tlsKeyFile: string('', 'PEM private key of MAAS_TLS_CERT_FILE'),
    tlsCaFile: string('', 'PEM CA bundle peers\' certificates must chain to (and clients\' with MAAS_TLS_CLIENT_AUTH=require); empty = the system roots'),
    tlsClientAuth: oneOf(['none', 'require'] as const, 'none', 'require: servers accept only clients with a certificate from MAAS_TLS_CA_FILE (mutual TLS)'),
    tlsServerName: string('', 'name a peer\'s certificate must carry; default the peer\'s service name (maas-registry, maas-preprocess), as peers are dialled by IP'),
    consulToken: string('', 'Consul ACL token, sent with every Consul call (X-Consul-Token); empty = none'),
    consulCaFile: string('', 'PEM CA of Consul\'s https certificate (MAAS_CONSUL_URL=https://...); empty = the system roots'),
    consulCheckIntervalMs: integer(1000, 'how often Consul runs this instance\'s gRPC health check (a new connection each time); a dead instance leaves discovery within about this long plus its timeout. Each check costs Consul and the service CPU even when idle', 200, 600_000),
    consulResyncIntervalMs: integer(60_000, 'longest wait of one blocking read of this instance\'s registration in the Consul agent; a lost registration (deregistered, or Consul restarted) is noticed at once and redone, whatever this is', 200, 600_000),
    metricsEventLoopPrecisionMs: integer(100, 'sampling period of the nodejs_eventloop_lag_* metrics: a timer that wakes the process this often (10 ms, prom-client\'s default, costs an idle process ~3 ms of CPU per second; 100 ms ~0.5). Stalls longer than this always show', 1, 10_000),
    cpuAffinity: string('', 'CPUs this process runs on, as a list like 1, 0-3 or 0,2-3 (all its threads, pinned at start with util-linux taskset); empty = wherever the OS schedules it. Give an inference worker CPUs of its own and the other services the rest: onnxruntime then runs without being preempted and its caches kept warm', /^$|^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'empty or a CPU list'),
    heapGrowingPercent: integer(DEFAULT_HEAP_GROWING_PERCENT, 'V8 heap growing factor in percent (V8 flag --heap-growing-percent, set at start): after a full garbage collection the heap may grow by this share of what survived before the next full one; 0 = V8\'s own factor. Large tensors\' buffers live outside the JS heap but count against that limit: with V8\'s factor the worker ran ~8x as many full collections on 110 KB requests. Costs memory: a heap may reach ~3x its live size', 0, 1000),
    apiKey: string('', 'API key this service sends to the registry (needed when the registry has MAAS_AUTH_ENABLED; any role)'),
  };
}
