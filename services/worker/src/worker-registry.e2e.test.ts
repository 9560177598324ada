import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createClient } from '@maas/grpc-kit';
import { silentLogger } from '@maas/logging';
import { mlpModel, mlpReference } from '@maas/models';
import { loadGrpcObject, REGISTRY_PROTO_FILES, type ModelRegistryClient, type RegistryProtoGrpcType } from '@maas/protos';
import { JobProducer } from '@maas/queue';
import { freePort, startRedis, startServiceProcess, type ManagedProcess, type RedisHandle } from '@maas/testing';

// The real registry process and a real worker process: a model uploaded to the registry is fetched
// (streamed, sha256-verified, cached), served, and a new version is picked up from the Watch feed
// without a restart. Build both first: pnpm exec tsc -b services/registry services/worker.

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `maas-${prefix}-`));
let redis: RedisHandle;
let registry: ManagedProcess;
let worker: ManagedProcess;
let client: ModelRegistryClient;
let producer: JobProducer;
const cacheDir = tmp('worker-cache');

function upload(data: Uint8Array, alias: string): Promise<{ version: number }> {
  const bytes = Buffer.from(data);
  const metadata = new grpc.Metadata();
  metadata.set('x-maas-actor', 'worker-e2e');
  return new Promise((resolve, reject) => {
    const call = client.UploadVersion(metadata, (err, res) => (err ? reject(err) : resolve({ version: Number(res!.version) })));
    call.write({
      metadata: {
        model: 'mlp', sha256: createHash('sha256').update(bytes).digest('hex'), size_bytes: bytes.length, create_model: true, alias,
        config: { batching: { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 5000 } },
      },
    });
    for (let offset = 0; offset < bytes.length; offset += 1024) call.write({ chunk: bytes.subarray(offset, offset + 1024) });
    call.end();
  });
}

const row = [0.5, -1, 2, 0.25];
const mlpJob = (id: string, version: number): Parameters<JobProducer['submit']>[0] => ({
  id, model: 'mlp', version, outputs: [], parameters: {}, priority: 0, deadlineUnixMs: Date.now() + 15_000,
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: Buffer.from(new Float32Array(row).buffer) }],
});

beforeAll(async () => {
  redis = await startRedis();
  const registryPort = await freePort();
  registry = await startServiceProcess({ service: 'registry', grpcPort: registryPort, env: { MAAS_DISCOVERY: 'static', MAAS_METRICS_PORT: '0', MAAS_REGISTRY_ROOT: tmp('registry') } });
  const Ctor = loadGrpcObject<RegistryProtoGrpcType>(REGISTRY_PROTO_FILES).grpcObject.maas.registry.v1.ModelRegistry;
  client = createClient(Ctor, `127.0.0.1:${registryPort}`);
  await upload(mlpModel(), 'production');
  worker = await startServiceProcess({
    service: 'worker',
    grpcPort: await freePort(),
    env: {
      MAAS_REDIS_URL: redis.url, MAAS_DISCOVERY: 'static', MAAS_STATIC_PEERS: `maas-registry=127.0.0.1:${registryPort}`,
      MAAS_METRICS_PORT: '0', MAAS_WORKER_MODELS: 'mlp', MAAS_WORKER_CACHE_DIR: cacheDir, MAAS_WORKER_READ_BLOCK_MS: '200',
    },
  });
  producer = new JobProducer({ redisUrl: redis.url, gatewayId: 'e2e-registry', logger: silentLogger(), defaultMaxDepth: 100 });
  await producer.start();
}, 60_000);

afterAll(async () => {
  await producer?.close();
  client?.close();
  await worker?.stop(5000);
  await registry?.stop(5000);
  await redis?.stop();
});

describe('worker with the real registry', () => {
  it('serves a model uploaded to the registry from a sha256-verified local copy', async () => {
    const result = await producer.submit(mlpJob('r1', 1));
    expect(result.ok).toBe(true);
    const probabilities = result.ok ? Array.from(new Float32Array(new Uint8Array(result.outputs[0]!.data).buffer)) : [];
    probabilities.forEach((p, k) => expect(p).toBeCloseTo(mlpReference(row)[k]!, 5));
    const cached = fs.readdirSync(path.join(cacheDir, 'mlp', '1'));
    expect(cached).toEqual([`${createHash('sha256').update(mlpModel()).digest('hex')}.onnx`]);
  });

  it('picks up a new version from the change feed without a restart', async () => {
    const { version } = await upload(mlpModel(), 'staging');
    expect(version).toBe(2);
    const result = await producer.submit(mlpJob('r2', 2)); // waits in the queue until the worker serves v2
    expect(result.ok).toBe(true);
    expect(worker.log()).toMatch(/"version":2.*serving model version/);
  }, 20_000);
});
