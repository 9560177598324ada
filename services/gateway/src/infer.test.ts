import { ANONYMOUS } from '@maas/auth';
import { InvalidArgumentError } from '@maas/errors';
import { createLogger, silentLogger } from '@maas/logging';
import { Registry } from '@maas/metrics';
import { INFERENCE_PROTO_FILES, loadGrpcObject, type InferenceProtoGrpcType, type ModelInferRequest__Output, type RegistryModelVersion } from '@maas/protos';
import type { JobRequest, JobResult } from '@maas/queue';
import { encodeBytesElements } from '@maas/tensor';
import { parseInferRequest } from './http-codec';
import { InferenceService, type InferContext, type InferenceDeps, type InferRequest } from './infer';
import { gatewayMetrics, VersionSeriesCache } from './metrics';
import type { ResolvedModel } from './model-catalog';

// InferenceService over in-process fakes of its I/O (catalog, queue, limiter, statistics): the logic of
// the success path (metrics series, job building) without Redis; the e2e tests run it for real.

const version = (model: string, v: number, over: Partial<RegistryModelVersion> = {}): RegistryModelVersion =>
  ({
    model, version: v, sha256: '', size_bytes: 0, batch_dim: true, created_unix_ms: 0, artifact_kind: 'onnx', files: [], user_metadata: {},
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
    config: { batching: { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 0, preferred_batch_sizes: [] }, runtime: null, pipeline_json: '', labels: [], max_queue_depth: 0 },
    ...over,
  }) as RegistryModelVersion;

interface Harness {
  service: InferenceService;
  registry: Registry;
  jobs: JobRequest[];
}

function harness(versions: RegistryModelVersion[], over: Partial<InferenceDeps> = {}): Harness {
  const registry = new Registry();
  const jobs: JobRequest[] = [];
  const deps: InferenceDeps = {
    catalog: {
      resolve: async (model: string, selector: string): Promise<ResolvedModel> => {
        const v = versions.find((c) => c.model === model && (selector === '' || String(c.version) === selector));
        if (!v) throw new InvalidArgumentError(`no such model ${model} ${selector}`);
        return { model, alias: '', ownerTenant: '', targets: [{ version: v, weight: 1 }] };
      },
    },
    producer: {
      submit: async (job: JobRequest): Promise<JobResult> => {
        jobs.push(job);
        const x = job.inputs[0]!;
        return { jobId: job.id, ok: true, outputs: [{ name: 'y', datatype: x.datatype, shape: x.shape, data: x.data }], workerId: 'w', batchSize: 1, queueWaitMs: 2, computeMs: 1, executionProvider: 'cpu' };
      },
    },
    limiter: { take: async () => undefined },
    metrics: gatewayMetrics(registry),
    stats: { success: () => undefined, failure: () => undefined },
    queueMaxDepth: 100,
    ...over,
  };
  return { service: new InferenceService(deps), registry, jobs };
}

const ctx = (protocol: InferContext['protocol'], logger = silentLogger()): InferContext => ({ principal: ANONYMOUS, deadlineUnixMs: Date.now() + 60_000, protocol, logger });

const request = (model: string, modelVersion = '', over: Partial<InferRequest> = {}): InferRequest => ({
  model_name: model,
  model_version: modelVersion,
  id: 'r1',
  parameters: {},
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }],
  outputs: [],
  raw_input_contents: [Buffer.from(new Float32Array([1, 2, 3, 4]).buffer)],
  ...over,
});

/** A histogram sample's own name (`..._count`, `..._sum`, `..._bucket`); prom-client types leave it out. */
const sampleName = (sample: object): string => ('metricName' in sample && typeof sample.metricName === 'string' ? sample.metricName : '');

/** The value of every series of a metric, keyed by its label values joined with '/'. */
async function series(registry: Registry, name: string, pick: 'value' | 'count' = 'value'): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const out: Record<string, number> = {};
  for (const s of (await metric.get()).values) {
    if (pick === 'count' && !sampleName(s).endsWith('_count')) continue;
    out[Object.values(s.labels).join('/')] = s.value;
  }
  return out;
}

describe('InferenceService: metrics on the success path (bound series per version)', () => {
  it('counts every request per model, version and protocol, with durations and queue waits', async () => {
    const h = harness([version('a', 1), version('a', 2), version('b', 7)]);
    for (let i = 0; i < 5; i++) await h.service.infer(request('a', '1'), ctx('grpc'));
    for (let i = 0; i < 3; i++) await h.service.infer(request('a', '2'), ctx('http'));
    for (let i = 0; i < 2; i++) await h.service.infer(request('b'), ctx('grpc'));
    await h.service.infer(request('b'), ctx('http'));
    await expect(h.service.infer(request('nope'), ctx('grpc'))).rejects.toThrow(/no such model/);

    expect(await series(h.registry, 'maas_requests_total')).toEqual({
      'a/1/ok/grpc': 5,
      'a/2/ok/http': 3,
      'b/7/ok/grpc': 2,
      'b/7/ok/http': 1,
      'unresolved/none/invalid_argument/grpc': 1,
    });
    expect(await series(h.registry, 'maas_request_duration_seconds', 'count')).toEqual({ 'a/1': 5, 'a/2': 3, 'b/7': 3 });
    expect(await series(h.registry, 'maas_gateway_queue_wait_seconds', 'count')).toEqual({ 'a/1': 5, 'a/2': 3, 'b/7': 3 });
    const waits = (await h.registry.getSingleMetric('maas_gateway_queue_wait_seconds')!.get()).values;
    expect(waits.find((s) => sampleName(s) === 'maas_gateway_queue_wait_seconds_sum' && s.labels['version'] === '1')?.value).toBeCloseTo(5 * 0.002, 9);
    // No preprocessing ran: binding the preprocess series created none.
    expect(await series(h.registry, 'maas_gateway_preprocess_seconds', 'count')).toEqual({});
    expect(await series(h.registry, 'maas_gateway_inflight_requests')).toEqual({ '': 0 });
  });

  it('keeps the cache bounded and the series right when it starts over', async () => {
    const registry = new Registry();
    const cache = new VersionSeriesCache(gatewayMetrics(registry), 2);
    const first = cache.of('m', 1);
    expect(cache.of('m', 1)).toBe(first); // bound once, reused
    cache.of('m', 2);
    expect(cache.size).toBe(2);
    cache.of('m', 3); // past the bound: starts over
    expect(cache.size).toBe(1);
    expect(cache.of('m', 1)).not.toBe(first);
    expect(cache.size).toBe(2);
    expect(cache.of('m1', 1)).not.toBe(cache.of('m', 11)); // the separator keeps "m1"+1 and "m"+11 apart
    expect(cache.size).toBeLessThanOrEqual(2);

    // Three versions in turn through a cache of two: it starts over again and again, and every inc still lands once.
    for (let round = 0; round < 4; round++) {
      for (const v of [1, 2, 3]) {
        const bound = cache.of('a', v);
        bound.ok.grpc.inc();
        bound.requestSeconds.observe(0.001);
        expect(cache.size).toBeLessThanOrEqual(2);
      }
    }
    expect(await series(registry, 'maas_requests_total')).toEqual({ 'a/1/ok/grpc': 4, 'a/2/ok/grpc': 4, 'a/3/ok/grpc': 4 });
    expect(await series(registry, 'maas_request_duration_seconds', 'count')).toEqual({ 'a/1': 4, 'a/2': 4, 'a/3': 4 });
    // Binding made no series of its own: only what was counted above exists.
    expect(await series(registry, 'maas_gateway_queue_wait_seconds', 'count')).toEqual({});
  });

  it('logs the answered request at debug only when debug is on, and at info as an access log', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
    const h = harness([version('a', 1)]);
    await h.service.infer(request('a'), ctx('grpc', createLogger({ service: 't', level: 'info', destination })));
    expect(lines).toEqual([]);
    await h.service.infer(request('a'), ctx('grpc', createLogger({ service: 't', level: 'debug', destination })));
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', msg: 'infer', model: 'a', version: '1', outcome: 'ok', requestId: 'r1' })]);
    const access = harness([version('a', 1)], { accessLog: true });
    await access.service.infer(request('a'), ctx('http', createLogger({ service: 't', level: 'info', destination })));
    expect(lines[1]).toEqual(expect.objectContaining({ level: 'info', msg: 'infer', model: 'a', version: '1', outcome: 'ok' }));
    expect(typeof lines[1]!['durationMs']).toBe('number');
  });
});

describe('InferenceService: the job it queues', () => {
  it('passes parameters on as values, and shares one frozen empty object when there are none', async () => {
    const h = harness([version('a', 1)]);
    await h.service.infer(request('a'), ctx('grpc'));
    await h.service.infer(request('a'), ctx('grpc'));
    expect(h.jobs[0]!.parameters).toEqual({});
    expect(h.jobs[1]!.parameters).toBe(h.jobs[0]!.parameters);
    expect(Object.isFrozen(h.jobs[0]!.parameters)).toBe(true);
    await h.service.infer(request('a', '', { parameters: { priority: { int64_param: 3 }, tag: { string_param: 'x' }, empty: {} } }), ctx('grpc'));
    expect(h.jobs[2]).toMatchObject({ parameters: { priority: 3, tag: 'x' }, priority: 3 });
    expect(h.jobs[2]!.parameters).not.toHaveProperty('empty');
    expect(h.jobs[0]!.id).not.toBe(h.jobs[1]!.id);
  });

  it('queues the requested outputs once validated, and refuses an unknown one before queueing', async () => {
    const h = harness([version('a', 1)]);
    await h.service.infer(request('a', '', { outputs: [{ name: 'y' }] }), ctx('grpc'));
    expect(h.jobs[0]!.outputs).toEqual(['y']);
    await expect(h.service.infer(request('a', '', { outputs: [{ name: 'z' }] }), ctx('grpc'))).rejects.toThrow(/unknown output "z"/);
    expect(h.jobs).toHaveLength(1);
  });

  it('takes a decoded gRPC ModelInferRequest as it is (no cast) and forwards its raw bytes without a copy', async () => {
    const { grpcObject } = loadGrpcObject<InferenceProtoGrpcType>(INFERENCE_PROTO_FILES);
    const method = grpcObject.inference.GRPCInferenceService.service.ModelInfer;
    const wire = method.requestSerialize({
      model_name: 'a',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }],
      parameters: { priority: { int64_param: 2 } },
      raw_input_contents: [Buffer.from(new Float32Array([1, 2, 3, 4]).buffer)],
    });
    const decoded: ModelInferRequest__Output = method.requestDeserialize(wire);
    const h = harness([version('a', 1)]);
    const answer = await h.service.infer(decoded, ctx('grpc'));
    expect(h.jobs[0]!.inputs[0]!.data).toBe(decoded.raw_input_contents[0]);
    expect(h.jobs[0]!.priority).toBe(2);
    expect(answer).toMatchObject({ model_name: 'a', model_version: '1', parameters: { executed_on: { string_param: 'cpu' } }, outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 4] }] });
  });

  it('forwards an HTTP binary tensor section as a view of the body (misaligned, FP32 and BYTES)', async () => {
    const floats = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);
    const text = encodeBytesElements(['héllo', '']);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'x', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: floats.byteLength } },
          { name: 's', datatype: 'BYTES', shape: [1, 2], parameters: { binary_data_size: text.byteLength } },
        ],
      }) + ' ', // an odd-length header puts the floats at an offset no Float32Array could view
    );
    const body = Buffer.concat([header, floats, text]);
    expect(header.byteLength % 4).not.toBe(0);
    const parsed = parseInferRequest({ modelName: 'a', body, inferenceHeaderContentLength: header.byteLength });
    const model = version('a', 1, {
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [-1, 4] },
        { name: 's', datatype: 'BYTES', shape: [-1, 2] },
      ],
    } as Partial<RegistryModelVersion>);
    const h = harness([model]);
    await h.service.infer(parsed, ctx('http'));
    const [x, s] = h.jobs[0]!.inputs;
    expect(x!.data.buffer).toBe(body.buffer);
    expect(x!.data.byteOffset).toBe(body.byteOffset + header.byteLength);
    expect(x!.data).toBe(parsed.raw_input_contents[0]);
    expect(s!.data.buffer).toBe(body.buffer);
    expect(s!.data.byteOffset).toBe(body.byteOffset + header.byteLength + floats.byteLength);
    expect(Buffer.compare(s!.data, text)).toBe(0);
  });
});
