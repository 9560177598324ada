import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { clientTransportFromFiles, type ClientTransport } from '@maas/grpc-kit';
import { REPO_ROOT } from './tools';

/** A dev CA and certificates as scripts/tls/gen-dev-certs.sh writes them. */
export interface TestCerts {
  dir: string;
  ca: string;
  /** The caller's pair. */
  clientCert: string;
  clientKey: string;
  /** A service's pair: maas-registry, maas-gateway, ... */
  certOf(service: string): { cert: string; key: string };
  /** Env that runs `service` (gateway, registry, worker, preprocess, scaler) with mutual TLS. */
  serviceEnv(service: string): Record<string, string>;
  /** A gRPC client transport showing the caller's pair. */
  transport(): ClientTransport;
  /** An https agent trusting the CA and showing the caller's pair. */
  httpsAgent(): https.Agent;
}

/** Writes a fresh dev CA and certificates into `dir` (the same script `make up TLS=1` runs). */
export function generateTestCerts(dir: string): TestCerts {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(path.join(REPO_ROOT, 'scripts/tls/gen-dev-certs.sh'), [dir, '--force'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const file = (name: string) => path.join(dir, name);
  const certs: TestCerts = {
    dir,
    ca: file('ca.crt'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    certOf: (service) => ({ cert: file(`${service}.crt`), key: file(`${service}.key`) }),
    serviceEnv: (service) => ({
      MAAS_TLS_CERT_FILE: file(`maas-${service}.crt`),
      MAAS_TLS_KEY_FILE: file(`maas-${service}.key`),
      MAAS_TLS_CA_FILE: file('ca.crt'),
      MAAS_TLS_CLIENT_AUTH: 'require',
    }),
    transport: () => clientTransportFromFiles({ caFile: file('ca.crt'), certFile: file('client.crt'), keyFile: file('client.key') }),
    httpsAgent: () => new https.Agent({ ca: fs.readFileSync(file('ca.crt')), cert: fs.readFileSync(file('client.crt')), key: fs.readFileSync(file('client.key')) }),
  };
  return certs;
}

/** GET/POST over https with an agent; resolves with the status and the body text. */
export function httpsRequest(url: string, agent: https.Agent | undefined, options: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // SNI may not carry an IP address (RFC 6066): name the loopback host, which the dev certificates carry.
    const servername = /^\d+\.\d+\.\d+\.\d+$/.test(new URL(url).hostname) ? 'localhost' : undefined;
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, ...(agent ? { agent } : {}), ...(servername ? { servername } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
