/**
 * The whole platform over mutual TLS, from the certificates `make up TLS=1` writes: every service serves TLS
 * and requires client certificates, and every service pair (gateway → registry, gateway → preprocess, worker →
 * registry, preprocess → registry, Consul's checks → every service) talks TLS. Callers with the dev client pair
 * get through, stock tritonclient with ssl=True included; plaintext and a certificate from another CA are
 * refused with a log line; a rotated certificate is served without a restart.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { callUnary, clientTransportFromFiles, createClient, deadlineIn, type ClientTransport } from '@maas/grpc-kit';
import { mlpModel, writeModelFile } from '@maas/models';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type GRPCInferenceServiceClient, type InferenceProtoGrpcType, type ModelRegistryClient } from '@maas/protos';
import { generateTestCerts, httpsRequest, REPO_ROOT, startStack, waitFor, type Stack, type TestCerts } from '@maas/testing';
import { prepareFixtures } from '../support/fixtures';
import { inferFp32 } from '../support/inference-client';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(300_000);

function gatewayClient(address: string, transport: ClientTransport): GRPCInferenceServiceClient {
  const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
  return createClient(grpcObject.inference.GRPCInferenceService, address, { transport });
}

/** The serial number of the certificate a TLS server presents now (a fresh connection). */
function servedSerial(port: number, certs: TestCerts): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: fs.readFileSync(certs.ca), cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey), ALPNProtocols: ['h2'], servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}

describe('mutual TLS everywhere', () => {
  let stack: Stack;
  let certs: TestCerts;
  let foreign: TestCerts;
  let client: GRPCInferenceServiceClient;
  let registry: ModelRegistryClient;
  const x = { name: 'x', shape: [1, 4], values: new Float32Array([0.5, -1, 2, 0.25]) };

  beforeAll(async () => {
    execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-python-tools.sh'), { stdio: 'inherit' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-tls-'));
    certs = generateTestCerts(path.join(dir, 'tls'));
    foreign = generateTestCerts(path.join(dir, 'foreign'));
    stack = await startStack({ workers: 1, preprocess: true, tls: certs });
    const fx = await prepareFixtures(stack.dir);
    registry = registryClient(stack.registry.address, certs.transport());
    const batching = { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 500, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching } });
    const bundleDir = path.join(stack.dir, 'iris');
    fs.mkdirSync(bundleDir, { recursive: true });
    writeModelFile(path.join(bundleDir, 'model.onnx'), mlpModel());
    fs.writeFileSync(path.join(bundleDir, 'labels.txt'), 'setosa\nversicolor\nvirginica');
    const tar = path.join(stack.dir, 'iris.tar');
    execFileSync('tar', ['-cf', tar, '-C', bundleDir, 'model.onnx', 'labels.txt']);
    await uploadModel(registry, {
      model: 'iris', artifactKind: 'bundle', file: tar,
      config: {
        batching,
        pipeline_json: JSON.stringify({
          input: 'row',
          preprocess: [{ op: 'select', columns: ['a', 'b', 'c', 'd'] }, { op: 'to_tensor', name: 'x', dtype: 'FP32' }],
          postprocess: [{ op: 'top_k', labels: 'labels.txt' }],
        }),
      },
    });
    client = gatewayClient(stack.gateway.grpcAddress, certs.transport());
  });
  afterAll(async () => {
    client?.close();
    registry?.close();
    await stack?.stop();
  });

  it('infers over mutual TLS: gRPC (gateway → registry, worker → registry) and HTTPS through a pipeline (gateway → preprocess → registry)', async () => {
    const res = await inferFp32(client, 'identity', [x], { timeoutMs: 30_000 });
    expect(res.outputs[0]!.shape).toEqual([1, 4]);
    const agent = certs.httpsAgent();
    try {
      const http = await httpsRequest(`${stack.gateway.httpUrl}/v2/models/iris/infer`, agent, {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'row', datatype: 'BYTES', shape: [1], data: [JSON.stringify({ a: 5.1, b: 3.5, c: 1.4, d: 0.2 })] }] }),
      });
      expect(http.status).toBe(200);
      const labels = (JSON.parse(http.body) as { outputs: Array<{ name: string; data: string[] }> }).outputs.find((o) => o.name === 'label')!.data;
      expect(['setosa', 'versicolor', 'virginica']).toContain(labels[0]);
    } finally {
      agent.destroy();
    }
    // Consul's gRPC checks reach every service over TLS: all of them are passing (the gateway registers last,
    // so its first check may not have run yet).
    for (const service of ['maas-registry', 'maas-worker', 'maas-preprocess', 'maas-gateway']) {
      const passingCount = async (): Promise<number> => ((await (await fetch(`${stack.consul.url}/v1/health/service/${service}?passing=true`)).json()) as unknown[]).length;
      await waitFor(async () => (await passingCount()) === 1, 15_000, `${service} passing in Consul`).catch(() => undefined);
      expect([service, await passingCount()]).toEqual([service, 1]);
    }
  });

  it('stock tritonclient with ssl=True and the dev client pair infers (gRPC and HTTPS); without the pair it is refused', () => {
    const python = path.join(REPO_ROOT, '.tools/py/bin/python');
    const run = spawnSync(python, [path.join(REPO_ROOT, 'test/interop/tritonclient_tls_check.py'), stack.gateway.grpcAddress, stack.gateway.httpUrl.replace('https://', ''), certs.ca, certs.clientCert, certs.clientKey], { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(`tritonclient TLS check failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, boolean>;
    expect(report).toEqual({ grpc_ssl_live: true, grpc_ssl_identity: true, grpc_ssl_no_client_cert_refused: true, http_ssl_live: true, http_ssl_identity: true });
  });

  it('refuses plaintext, a certificate from another CA, an expired one and none, logging each refusal; the gateway keeps serving', async () => {
    // A client certificate from the right CA that has expired (valid for 0 days).
    const expired = path.join(certs.dir, '..', 'expired');
    fs.mkdirSync(expired, { recursive: true });
    fs.writeFileSync(path.join(expired, 'ext'), 'extendedKeyUsage=clientAuth\n');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path.join(expired, 'client.key')]);
    execFileSync('openssl', ['req', '-new', '-key', path.join(expired, 'client.key'), '-out', path.join(expired, 'client.csr'), '-subj', '/CN=expired']);
    execFileSync('openssl', ['x509', '-req', '-in', path.join(expired, 'client.csr'), '-CA', certs.ca, '-CAkey', path.join(certs.dir, 'ca.key'), '-CAcreateserial', '-CAserial', path.join(expired, 'ca.srl'), '-days', '0', '-extfile', path.join(expired, 'ext'), '-out', path.join(expired, 'client.crt')], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 1500));
    const attempts: Array<[string, ClientTransport]> = [
      ['plaintext', { secure: false, credentials: grpc.credentials.createInsecure(), channelOptions: () => ({}) }],
      ['foreign CA', clientTransportFromFiles({ caFile: certs.ca, certFile: foreign.clientCert, keyFile: foreign.clientKey })],
      ['expired certificate', clientTransportFromFiles({ caFile: certs.ca, certFile: path.join(expired, 'client.crt'), keyFile: path.join(expired, 'client.key') })],
      ['no client certificate', clientTransportFromFiles({ caFile: certs.ca })],
    ];
    for (const [what, transport] of attempts) {
      const refused = gatewayClient(stack.gateway.grpcAddress, transport);
      try {
        const err = (await inferFp32(refused, 'identity', [x], { timeoutMs: 5000 }).then(() => undefined, (e: grpc.ServiceError) => e));
        expect([what, err?.code]).toEqual([what, grpc.status.UNAVAILABLE]);
      } finally {
        refused.close();
      }
    }
    await waitFor(() => (stack.gateway.process.log().match(/TLS connection refused/g) ?? []).length >= 3, 10_000, 'gateway log lines for refused handshakes');
    // Plaintext is named as such; a refused client certificate (TLS 1.3 checks it after the client's last
    // flight) often reaches the server's log only as the client hanging up: the client's error says why.
    expect(stack.gateway.process.log()).toMatch(/wrong version number[^\n]*TLS connection refused/);
    // A client that trusts another CA refuses the gateway's certificate in turn.
    const wrongCa = gatewayClient(stack.gateway.grpcAddress, clientTransportFromFiles({ caFile: foreign.ca, certFile: certs.clientCert, keyFile: certs.clientKey }));
    try {
      await expect(inferFp32(wrongCa, 'identity', [x], { timeoutMs: 5000 })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      wrongCa.close();
    }
    // Plain HTTP to the HTTPS port gets no answer; HTTPS without a client certificate is cut in the handshake.
    await expect(fetch(stack.gateway.httpUrl.replace('https://', 'http://') + '/v2/health/live')).rejects.toThrow();
    await expect(httpsRequest(`${stack.gateway.httpUrl}/v2/health/live`, new https.Agent({ ca: fs.readFileSync(certs.ca) }))).rejects.toThrow();
    expect((await inferFp32(client, 'identity', [x])).outputs[0]!.shape).toEqual([1, 4]);
    const registryPlain = registryClient(stack.registry.address);
    try {
      await expect(callUnary(registryPlain.ListModels.bind(registryPlain) as never, {}, { deadline: deadlineIn(5000) })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      registryPlain.close();
    }
  });

  it('the CLI connects with --ca/--cert/--key (or MAAS_TLS_* env) and is refused without them', () => {
    const maas = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'services/cli/dist/main.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], MAAS_REGISTRY_ADDRESS: stack.registry.address, ...env } });
    const ls = maas({}, 'models', 'ls', '--ca', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey);
    expect(ls.stdout).toMatch(/\nidentity\s+v1/);
    const infer = maas({ MAAS_TLS_CA_FILE: certs.ca, MAAS_TLS_CERT_FILE: certs.clientCert, MAAS_TLS_KEY_FILE: certs.clientKey }, 'infer', 'identity', '--gateway', stack.gateway.grpcAddress, '--input', 'x=[[1,2,3,4]]');
    expect(JSON.parse(infer.stdout)).toMatchObject({ model_name: 'identity', outputs: [{ shape: [1, 4], data: [1, 2, 3, 4] }] });
    const plain = maas({}, 'models', 'ls');
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/UNAVAILABLE/);
  });

  it('serves a rotated certificate without a restart', async () => {
    const port = Number(stack.gateway.grpcAddress.split(':')[1]);
    const before = await servedSerial(port, certs);
    // Issue a new gateway pair from the same CA (a renewal) and move it into place, as cert-manager would.
    const renewed = path.join(certs.dir, '..', 'renewed');
    fs.mkdirSync(renewed, { recursive: true });
    for (const f of ['ca.crt', 'ca.key']) fs.copyFileSync(path.join(certs.dir, f), path.join(renewed, f));
    const ext = path.join(renewed, 'ext');
    fs.writeFileSync(ext, 'subjectAltName=DNS:maas-gateway,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path.join(renewed, 'gw.key')]);
    execFileSync('openssl', ['req', '-new', '-key', path.join(renewed, 'gw.key'), '-out', path.join(renewed, 'gw.csr'), '-subj', '/CN=maas-gateway']);
    execFileSync('openssl', ['x509', '-req', '-in', path.join(renewed, 'gw.csr'), '-CA', path.join(renewed, 'ca.crt'), '-CAkey', path.join(renewed, 'ca.key'), '-CAcreateserial', '-days', '30', '-extfile', ext, '-out', path.join(renewed, 'gw.crt')], { stdio: 'ignore' });
    const target = certs.certOf('maas-gateway');
    fs.copyFileSync(path.join(renewed, 'gw.key'), `${target.key}.new`);
    fs.copyFileSync(path.join(renewed, 'gw.crt'), `${target.cert}.new`);
    fs.renameSync(`${target.key}.new`, target.key);
    fs.renameSync(`${target.cert}.new`, target.cert);
    const after = await waitFor(async () => {
      const serial = await servedSerial(port, certs);
      return serial !== before ? serial : undefined;
    }, 20_000, 'the gateway serving the renewed certificate');
    expect(after).not.toBe(before);
    await waitFor(() => stack.gateway.process.log().includes('TLS certificates reloaded'), 10_000, 'reload log line');
    expect((await inferFp32(client, 'identity', [x])).outputs[0]!.shape).toEqual([1, 4]);
  });
});
