/**
 * Raw data in, answers out, through the gateway: real PaddleOCR models behind image pipelines (gRPC, image
 * bytes as a BYTES tensor) and the MLP behind a tabular pipeline (HTTP/JSON rows with a missing value).
 * Real processes: registry, preprocess, worker, gateway.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { callUnary, deadlineIn } from '@maas/grpc-kit';
import { mlpModel, mlpReference, ocrClassifierPath, ocrKeysPath, ocrRecognizerPath, writeModelFile } from '@maas/models';
import type { GRPCInferenceServiceClient } from '@maas/protos';
import { freePort, REPO_ROOT, startServiceProcess, startStack, waitFor, type Stack } from '@maas/testing';
import { decodeBytesElements, encodeBytesElements } from '@maas/tensor';
import { asFloat32, inferenceClient } from '../support/inference-client';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(240_000);

const image = (name: string): Buffer => fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/images', name));

/** A tar bundle of model.onnx plus side files. */
function bundle(dir: string, name: string, model: string, files: Record<string, Buffer | string>): string {
  const at = path.join(dir, name);
  fs.mkdirSync(at, { recursive: true });
  fs.copyFileSync(model, path.join(at, 'model.onnx'));
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(at, file), content);
  const tar = path.join(dir, `${name}.tar`);
  execFileSync('tar', ['-cf', tar, '-C', at, 'model.onnx', ...Object.keys(files)]);
  return tar;
}

const imagePipeline = (maxWidth: number, pad: object, post: object[]) => JSON.stringify({
  input: { kind: 'image', name: 'image' },
  preprocess: [
    { op: 'decode', color: 'BGR' },
    { op: 'resize', height: 48, keepAspect: true, maxWidth },
    { op: 'scale', factor: 1 / 255 },
    { op: 'normalize', mean: [0.5], std: [0.5] },
    { op: 'pad', ...pad },
    { op: 'to_tensor', name: 'x' },
  ],
  postprocess: post,
});

const TABULAR = {
  columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
  impute: { sepal_width: 3.05, petal_width: 1.2 } as Record<string, number>,
  mean: { sepal_length: 5.84, sepal_width: 3.05, petal_length: 3.76, petal_width: 1.2 } as Record<string, number>,
  std: { sepal_length: 0.83, sepal_width: 0.43, petal_length: 1.76, petal_width: 0.76 } as Record<string, number>,
  labels: ['setosa', 'versicolor', 'virginica'],
};

/** The class the MLP gives a row after the iris pipeline's impute and standardize steps. */
function expectedLabel(row: Record<string, number | null | undefined>): string {
  const features = TABULAR.columns.map((c) => ((row[c] ?? TABULAR.impute[c]!) - TABULAR.mean[c]!) / TABULAR.std[c]!);
  const p = mlpReference(features);
  return TABULAR.labels[p.indexOf(Math.max(...p))]!;
}

describe('pipelines end to end through the gateway', () => {
  let stack: Stack;
  let client: GRPCInferenceServiceClient;

  beforeAll(async () => {
    // The grpc-js ModelInfer handler (MAAS_FAST_INFER=false) stays covered end to end here; the other suites run
    // the default fast path.
    stack = await startStack({ workers: 1, preprocess: true, gatewayEnv: { MAAS_FAST_INFER: 'false' } });
    const registry = registryClient(stack.registry.address);
    const dir = path.join(stack.dir, 'bundles');
    const batching = (max: number) => ({ max_batch_size: max, dynamic_batching: true, max_queue_delay_us: 2000, preferred_batch_sizes: [] });
    await uploadModel(registry, {
      model: 'ocr-cls', artifactKind: 'bundle',
      file: bundle(dir, 'ocr-cls', ocrClassifierPath(), { 'labels.txt': '0\n180\n' }),
      config: { batching: batching(32), pipeline_json: imagePipeline(192, { width: 192 }, [{ op: 'top_k', labels: 'labels.txt' }]) },
    });
    await uploadModel(registry, {
      model: 'ocr-rec', artifactKind: 'bundle',
      file: bundle(dir, 'ocr-rec', ocrRecognizerPath(), { 'ppocr_keys_v1.txt': fs.readFileSync(ocrKeysPath()) }),
      config: { batching: batching(8), pipeline_json: imagePipeline(3200, { width: 'batch_max', minWidth: 320 }, [{ op: 'ctc_decode', dictionary: 'ppocr_keys_v1.txt', appendSpace: true }]) },
    });
    await uploadModel(registry, {
      model: 'iris', artifactKind: 'bundle',
      file: bundle(dir, 'iris', writeModelFile(path.join(dir, 'mlp.onnx'), mlpModel()), { 'labels.txt': TABULAR.labels.join('\n') }),
      config: {
        batching: batching(64),
        pipeline_json: JSON.stringify({
          input: 'row',
          preprocess: [
            { op: 'select', columns: TABULAR.columns, onInvalid: 'drop' },
            { op: 'impute', values: TABULAR.impute },
            { op: 'standardize', mean: TABULAR.mean, std: TABULAR.std },
            { op: 'to_tensor', name: 'x', dtype: 'FP32' },
          ],
          postprocess: [{ op: 'top_k', labels: 'labels.txt' }],
        }),
      },
    });
    registry.close();
    client = inferenceClient(stack.gateway.grpcAddress);
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  const inferBytes = async (model: string, items: Buffer[]) => {
    const res = await callUnary<object, { outputs: Array<{ name: string; datatype: string; shape: number[] }>; raw_output_contents: Buffer[] }>(
      client.ModelInfer.bind(client) as never,
      { model_name: model, inputs: [{ name: 'image', datatype: 'BYTES', shape: [items.length] }], raw_input_contents: [encodeBytesElements(items)] },
      { deadline: deadlineIn(30_000) },
    );
    return Object.fromEntries(res.outputs.map((o, i) => [o.name, { ...o, data: res.raw_output_contents[i]! }]));
  };

  it('ocr-cls: upright and rotated text lines classify as "0" and "180"', async () => {
    const out = await inferBytes('ocr-cls', [image('text-line-upright.png'), image('text-line-rotated-180.png'), image('text-line-upright-2.png'), image('text-line-rotated-180-2.png')]);
    expect(decodeBytesElements('label', out['label']!.data).map(String)).toEqual(['0', '180', '0', '180']);
    for (const s of asFloat32(out['score']!.data)) expect(s).toBeGreaterThan(0.9);
  });

  it('ocr-cls: ModelMetadata shows the raw input and the answers', async () => {
    const meta = await callUnary<object, { inputs: Array<{ name: string; datatype: string }>; outputs: Array<{ name: string }> }>(
      client.ModelMetadata.bind(client) as never, { name: 'ocr-cls', version: '' });
    expect(meta.inputs).toEqual([expect.objectContaining({ name: 'image', datatype: 'BYTES' })]);
    expect(meta.outputs.map((o) => o.name)).toEqual(expect.arrayContaining(['label', 'score']));
  });

  it('ocr-rec: a line image in, its text out', async () => {
    const out = await inferBytes('ocr-rec', [image('rec-line.png'), image('text-line-upright.png')]);
    expect(decodeBytesElements('text', out['text']!.data).map(String)).toEqual(['MAAS 12345', 'Hello World 2024']);
  });

  it('a corrupt image is INVALID_ARGUMENT naming the item, and nothing crashes', async () => {
    const truncated = image('rec-line.png').subarray(0, 100);
    await expect(inferBytes('ocr-cls', [image('text-line-upright.png'), truncated])).rejects.toMatchObject({ details: expect.stringMatching(/item 1/) });
    const out = await inferBytes('ocr-cls', [image('text-line-upright.png')]);
    expect(decodeBytesElements('label', out['label']!.data).map(String)).toEqual(['0']);
  });

  it('tabular over HTTP: rows with a missing value are imputed, scaled and classified', async () => {
    const rows = [
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
      { sepal_length: 6.7, petal_length: 5.2, petal_width: 2.3 },
      { sepal_length: 5.9, sepal_width: 2.8, petal_length: 4.5, petal_width: null },
    ];
    const res = await fetch(`${stack.gateway.httpUrl}/v2/models/iris/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'row', datatype: 'BYTES', shape: [rows.length], data: rows.map((r) => JSON.stringify(r)) }] }),
    });
    const body = (await res.json()) as { outputs?: Array<{ name: string; data: unknown[] }>; error?: string };
    expect(body.error).toBeUndefined();
    expect(res.status).toBe(200);
    const labels = body.outputs!.find((o) => o.name === 'label')!.data;
    expect(labels).toEqual(rows.map(expectedLabel));
  });

  it('a tabular row with an invalid value is dropped with its reason; the others are answered', async () => {
    const good = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    const res = await fetch(`${stack.gateway.httpUrl}/v2/models/iris/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'row', datatype: 'BYTES', shape: [2], data: [JSON.stringify({ ...good, sepal_length: 'tall' }), JSON.stringify(good)] }] }),
    });
    const body = (await res.json()) as { outputs: Array<{ name: string; data: unknown[] }> };
    expect(res.status).toBe(200);
    const out = Object.fromEntries(body.outputs.map((o) => [o.name, o.data]));
    expect(out['label']).toEqual(['', expectedLabel(good)]);
    expect(String(out['error']![0])).toMatch(/sepal_length/);
    expect(out['error']![1]).toBe('');
  });

  it('postprocessing runs in the gateway (no Postprocess call) and answers as maas-preprocess does (MAAS_LOCAL_POSTPROCESS=false)', async () => {
    const postprocessCalls = async (): Promise<number> => {
      const text = await (await fetch(stack.preprocess!.metricsUrl)).text();
      const line = text.split('\n').find((l) => l.startsWith('maas_grpc_server_handled_total{') && l.includes('grpc_method="Postprocess"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    expect(await postprocessCalls()).toBe(0);
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const remote = await startServiceProcess({
      service: 'gateway',
      grpcPort,
      env: { ...stack.baseEnv, MAAS_HTTP_PORT: String(httpPort), MAAS_METRICS_PORT: String(await freePort()), MAAS_LOCAL_POSTPROCESS: 'false' },
    });
    const remoteClient = inferenceClient(`127.0.0.1:${grpcPort}`);
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/v2/health/ready`)).ok, 30_000, 'second gateway ready');
      const ask = (c: GRPCInferenceServiceClient, model: string, items: Buffer[]) =>
        callUnary<object, { outputs: unknown[]; raw_output_contents: Buffer[] }>(
          c.ModelInfer.bind(c) as never,
          { model_name: model, inputs: [{ name: 'image', datatype: 'BYTES', shape: [items.length] }], raw_input_contents: [encodeBytesElements(items)] },
          { deadline: deadlineIn(30_000) },
        );
      for (const [model, items] of [['ocr-cls', [image('text-line-upright.png'), image('text-line-rotated-180.png')]], ['ocr-rec', [image('rec-line.png')]]] as const) {
        const local = await ask(client, model, [...items]);
        const viaService = await ask(remoteClient, model, [...items]);
        expect(viaService.outputs).toEqual(local.outputs);
        expect(viaService.raw_output_contents).toEqual(local.raw_output_contents);
      }
      expect(await postprocessCalls()).toBe(2);
    } finally {
      remoteClient.close();
      await remote.stop(5000);
    }
  });
});
