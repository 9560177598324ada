import { bytes, integer, oneOf, port, string, url } from './settings';

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
    shutdownGraceMs: integer(10000, 'how long a SIGTERM drain may take before in-flight work is cut', 0, 600000),
  };
}
