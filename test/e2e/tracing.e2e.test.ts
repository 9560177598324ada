/**
 * OpenTelemetry end to end, exported over OTLP/HTTP to a real Jaeger v2 (built from the Go module proxy) and
 * read back from its query API: a request that arrives with a W3C traceparent is one trace across the
 * gateway (http/json export), the preprocess service and the worker (http/protobuf export): gateway span,
 * preprocess span, worker queue wait, batch (linked to the request) and compute. Log lines carry the trace id.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InferenceClient } from '@maas/client';
import { mlpModel, writeModelFile } from '@maas/models';
import { freePort, REPO_ROOT, startProcess, startStack, waitFor, type ManagedProcess, type Stack } from '@maas/testing';
import { prepareFixtures } from '../support/fixtures';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(240_000);

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; traceID: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

function jaegerConfig(otlpPort: number, queryPort: number, queryGrpcPort: number): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter] }
  telemetry:
    metrics: { level: none }
extensions:
  jaeger_query:
    storage: { traces: mem }
    http: { endpoint: 127.0.0.1:${queryPort} }
    grpc: { endpoint: 127.0.0.1:${queryGrpcPort} }
  jaeger_storage:
    backends:
      mem: { memory: { max_traces: 10000 } }
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${otlpPort} }
processors:
  batch: { timeout: 100ms }
exporters:
  jaeger_storage_exporter: { trace_storage: mem }
`;
}

describe('tracing across gateway, preprocess and worker', () => {
  let jaeger: ManagedProcess;
  let queryUrl: string;
  let stack: Stack;
  let client: InferenceClient;
  let dir: string;

  beforeAll(async () => {
    execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-go-tools.sh'), ['jaeger'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const [otlpPort, queryPort, queryGrpcPort] = [await freePort(), await freePort(), await freePort()];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-jaeger-'));
    fs.writeFileSync(path.join(dir, 'config.yaml'), jaegerConfig(otlpPort, queryPort, queryGrpcPort));
    jaeger = startProcess(path.join(REPO_ROOT, '.tools/bin/jaeger'), ['--config', path.join(dir, 'config.yaml')], { name: 'jaeger', cwd: dir });
    queryUrl = `http://127.0.0.1:${queryPort}`;
    await waitFor(async () => (await fetch(`${queryUrl}/api/services`).catch(() => undefined))?.ok === true, 30_000, 'jaeger query API');
    const endpoint = `http://127.0.0.1:${otlpPort}`;
    stack = await startStack({
      workers: 1,
      preprocess: true,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      gatewayEnv: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', MAAS_ACCESS_LOG: 'true' },
    });
    const fx = await prepareFixtures(stack.dir);
    const registry = registryClient(stack.registry.address);
    const batching = { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 1000, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching } });
    await uploadModel(registry, {
      model: 'rows',
      file: writeModelFile(path.join(stack.dir, 'rows-mlp.onnx'), mlpModel()),
      config: { batching, pipeline_json: JSON.stringify({ input: 'row', preprocess: [{ op: 'select', columns: ['a', 'b', 'c', 'd'] }, { op: 'to_tensor', name: 'x', dtype: 'FP32' }], postprocess: [{ op: 'softmax' }] }) },
    });
    registry.close();
    client = new InferenceClient({ address: stack.gateway.grpcAddress });
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
    await jaeger?.stop(5000);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Polls Jaeger until the trace holds every wanted operation (export is batched). */
  async function traceWith(traceId: string, operations: string[]): Promise<JaegerTrace> {
    let last: JaegerTrace | undefined;
    await waitFor(async () => {
      const res = await fetch(`${queryUrl}/api/traces/${traceId}`);
      if (!res.ok) return false;
      last = ((await res.json()) as { data: JaegerTrace[] }).data[0];
      const names = new Set(last?.spans.map((s) => s.operationName));
      return operations.every((o) => names.has(o));
    }, 30_000, `trace ${traceId} with ${operations.join(', ')}`).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; got ${JSON.stringify(last?.spans.map((s) => s.operationName))}`);
    });
    return last!;
  }

  const serviceOf = (t: JaegerTrace, s: JaegerSpan): string => t.processes[s.processID]!.serviceName;
  const parentOf = (s: JaegerSpan): string | undefined => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;

  it('joins the caller\'s traceparent: gateway → worker queue wait, batch (linked), compute, in one trace; logs carry the trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    await client.infer('identity', { x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array([1, 2, 3, 4]) } }, { metadata: { traceparent: `00-${traceId}-${callerSpanId}-01` } });
    const t = await traceWith(traceId, ['gateway infer', 'worker queue wait', 'worker batch', 'worker compute']);
    const byName = (n: string): JaegerSpan => t.spans.find((s) => s.operationName === n)!;
    const gateway = byName('gateway infer');
    expect(serviceOf(t, gateway)).toBe('maas-gateway');
    expect(parentOf(gateway)).toBe(callerSpanId);
    expect(gateway.tags).toEqual(expect.arrayContaining([{ key: 'maas.model', type: 'string', value: 'identity' }]));
    expect(serviceOf(t, byName('worker queue wait'))).toBe('maas-worker');
    expect(parentOf(byName('worker queue wait'))).toBe(gateway.spanID);
    // The batch's parent is its first request's span and it links every request: Jaeger shows that as one FOLLOWS_FROM.
    expect(serviceOf(t, byName('worker batch'))).toBe('maas-worker');
    expect(byName('worker batch').references).toEqual(expect.arrayContaining([expect.objectContaining({ refType: 'FOLLOWS_FROM', spanID: gateway.spanID })]));
    expect(parentOf(byName('worker compute'))).toBe(byName('worker batch').spanID);
    const inferLine = stack.gateway.process.log().split('\n').find((l) => l.includes('"msg":"infer"') && l.includes(traceId));
    expect(inferLine).toBeDefined();
    expect(JSON.parse(inferLine!)).toMatchObject({ trace_id: traceId, model: 'identity', outcome: 'ok' });
  });

  it('a piped model adds the preprocess service\'s span to the same trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const r = await client.infer('rows', { row: { datatype: 'BYTES', shape: [1], data: [JSON.stringify({ a: 1, b: 2, c: 3, d: 4 })] } }, { metadata: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
    expect(r).toMatchObject({ modelName: 'rows', modelVersion: '1' });
    const t = await traceWith(traceId, ['gateway infer', 'preprocess', 'worker compute']);
    const pre = t.spans.find((s) => s.operationName === 'preprocess')!;
    expect(serviceOf(t, pre)).toBe('maas-preprocess');
    expect(parentOf(pre)).toBe(t.spans.find((s) => s.operationName === 'gateway infer')!.spanID);
  });
});
