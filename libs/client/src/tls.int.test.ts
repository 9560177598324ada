/**
 * The client's TLS options against a real TLS gRPC server (grpc-js, certificates made by openssl for this test):
 * server-auth TLS with a CA file, mutual TLS with a client pair, and the failures a wrong setup gives.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type InferenceProtoGrpcType } from '@maas/protos';
import { UnavailableError } from '@maas/errors';
import { InferenceClient } from './inference-client';

function makeCerts(dir: string): Record<'ca' | 'caKey' | 'server' | 'serverKey' | 'client' | 'clientKey', string> {
  const f = (n: string): string => path.join(dir, n);
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '1', '-subj', '/CN=maas test CA');
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`), '-subj', `/CN=${who === 'server' ? 'localhost' : 'caller'}`);
    fs.writeFileSync(f(`${who}.ext`), who === 'server' ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
    ssl('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${who}.crt`), '-days', '1', '-extfile', f(`${who}.ext`));
  }
  return { ca: f('ca.crt'), caKey: f('ca.key'), server: f('server.crt'), serverKey: f('server.key'), client: f('client.crt'), clientKey: f('client.key') };
}

async function tlsServer(certs: ReturnType<typeof makeCerts>, requireClientCert: boolean): Promise<{ address: string; stop: () => Promise<void> }> {
  const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  const server = new grpc.Server();
  server.addService(grpcObject.inference.GRPCInferenceService.service, {
    ServerLive: (_call: unknown, cb: grpc.sendUnaryData<{ live: boolean }>) => cb(null, { live: true }),
  } as unknown as grpc.UntypedServiceImplementation);
  const creds = grpc.ServerCredentials.createSsl(fs.readFileSync(certs.ca), [{ cert_chain: fs.readFileSync(certs.server), private_key: fs.readFileSync(certs.serverKey) }], requireClientCert);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
  return { address: `localhost:${port}`, stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

describe('InferenceClient over TLS', () => {
  let dir: string;
  let certs: ReturnType<typeof makeCerts>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-tls-'));
    certs = makeCerts(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const noRetry = { retry: { maxAttempts: 1 }, timeoutMs: 5000 };

  it('verifies the server with a CA file; plaintext or no CA fails', async () => {
    const server = await tlsServer(certs, false);
    const ok = new InferenceClient({ address: server.address, tls: { caFile: certs.ca }, ...noRetry });
    expect(await ok.serverLive()).toBe(true);
    ok.close();
    const plain = new InferenceClient({ address: server.address, ...noRetry });
    await expect(plain.serverLive()).rejects.toBeInstanceOf(UnavailableError);
    plain.close();
    const systemRoots = new InferenceClient({ address: server.address, tls: true, ...noRetry });
    await expect(systemRoots.serverLive()).rejects.toBeInstanceOf(UnavailableError);
    systemRoots.close();
    await server.stop();
  });

  it('presents a client certificate to a server that requires one', async () => {
    const server = await tlsServer(certs, true);
    const mutual = new InferenceClient({ address: server.address, tls: { caFile: certs.ca, certFile: certs.client, keyFile: certs.clientKey }, ...noRetry });
    expect(await mutual.serverLive()).toBe(true);
    mutual.close();
    const anonymous = new InferenceClient({ address: server.address, tls: { caFile: certs.ca }, ...noRetry });
    await expect(anonymous.serverLive()).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    anonymous.close();
    await server.stop();
  });
});
