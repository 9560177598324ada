#!/usr/bin/env node
/**
 * A health probe for servers that serve TLS: `node health-probe.js [host:]port` asks grpc.health.v1 Check and
 * exits 0 on SERVING, 1 otherwise. It reads the process's MAAS_TLS_* settings (the pod's own certificate is
 * a valid client certificate), so it works as a Kubernetes exec probe where the built-in gRPC probe, which
 * speaks plaintext only, cannot. Without MAAS_TLS_CERT_FILE it checks in plaintext.
 */
import { checkHealth } from './client';
import { clientTransportFromFiles, PLAINTEXT } from './tls';

async function main(): Promise<number> {
  const target = process.argv[2] ?? process.env['MAAS_GRPC_PORT'] ?? '';
  if (target === '' || target === '--help') {
    process.stdout.write('usage: node health-probe.js [host:]port   (TLS from MAAS_TLS_CA_FILE, MAAS_TLS_CERT_FILE, MAAS_TLS_KEY_FILE)\n');
    return target === '' ? 2 : 0;
  }
  const address = target.includes(':') ? target : `127.0.0.1:${target}`;
  const env = process.env;
  const transport = env['MAAS_TLS_CERT_FILE']
    ? clientTransportFromFiles({
        ...(env['MAAS_TLS_CA_FILE'] ? { caFile: env['MAAS_TLS_CA_FILE'] } : {}),
        certFile: env['MAAS_TLS_CERT_FILE'],
        ...(env['MAAS_TLS_KEY_FILE'] ? { keyFile: env['MAAS_TLS_KEY_FILE'] } : {}),
        // The pod's certificate names its service, not 127.0.0.1: skip the name check for this local probe.
        serverName: env['MAAS_TLS_PROBE_SERVER_NAME'] ?? 'localhost',
      })
    : PLAINTEXT;
  const status = await checkHealth(address, '', Number(env['MAAS_PROBE_TIMEOUT_MS'] ?? 2000), transport);
  if (status === 'SERVING') return 0;
  process.stderr.write(`${address}: ${status}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
