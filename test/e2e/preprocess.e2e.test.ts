import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callUnary, createClient } from '@maas/grpc-kit';
import type { DescribePipelineResponse__Output, PostprocessResponse__Output, PreprocessResponse__Output } from '@maas/protos';
import { OCR_CLS_PIPELINE } from '@maas/models';
import { loadGrpcObject, PREPROCESS_PROTO_FILES, type PipelineRef, type PreprocessorClient, type PreprocessProtoGrpcType } from '@maas/protos';
import { freePort, REPO_ROOT, startServiceProcess, type ManagedProcess } from '@maas/testing';

// maas-preprocess as a real process (services/preprocess/dist/main.js; run the build first), without a
// registry: inline specs. The model itself runs in services/preprocess's integration tests; here the outputs
// are hand-made logits, which is what a worker would send back.

const CLS_SPEC = JSON.stringify(OCR_CLS_PIPELINE);

const fixture = (name: string): Buffer => fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/images', name));

describe('maas-preprocess as a process', () => {
  let proc: ManagedProcess;
  let client: PreprocessorClient;
  let metricsPort: number;
  const pipeline: PipelineRef = { model: 'ocr-cls', spec_json: CLS_SPEC, files: { 'labels.txt': Buffer.from('0\n180\n') } };

  beforeAll(async () => {
    const grpcPort = await freePort();
    metricsPort = await freePort();
    proc = await startServiceProcess({
      service: 'preprocess',
      grpcPort,
      env: { MAAS_METRICS_PORT: String(metricsPort), MAAS_DISCOVERY: 'static', MAAS_STATIC_PEERS: '' },
    });
    const { grpcObject } = loadGrpcObject<PreprocessProtoGrpcType>(PREPROCESS_PROTO_FILES);
    client = createClient(grpcObject.maas.preprocess.v1.Preprocessor, `127.0.0.1:${grpcPort}`);
  }, 30_000);

  afterAll(async () => {
    client?.close();
    if (proc) expect(await proc.stop()).toBe(0);
  });

  it('turns image bytes into the [N,3,48,192] tensor and logits into labels', async () => {
    const pre = await callUnary<object, PreprocessResponse__Output>(client.Preprocess.bind(client) as never, { pipeline, items: [{ image: fixture('text-line-upright.png') }, { image: fixture('text-line-rotated-180.png') }] });
    expect(pre.tensors.map((t) => [t.name, t.datatype, t.shape, t.raw_contents.length])).toEqual([['x', 'FP32', [2, 3, 48, 192], 2 * 3 * 48 * 192 * 4]]);
    const logits = Buffer.from(new Float32Array([0.9, 0.1, 0.2, 0.8]).buffer);
    const post = await callUnary<object, PostprocessResponse__Output>(client.Postprocess.bind(client) as never, { pipeline, outputs: [{ name: 'softmax_0.tmp_0', datatype: 'FP32', shape: [2, 2], raw_contents: logits }] });
    expect(post.results.map((r) => [r.label, Number(r.score.toFixed(2))])).toEqual([
      ['0', 0.9],
      ['180', 0.8],
    ]);
    const described = await callUnary<object, DescribePipelineResponse__Output>(client.DescribePipeline.bind(client) as never, { pipeline });
    expect(described.inputs).toEqual([{ name: 'image', datatype: 'BYTES', shape: [-1] }]);
    expect(described.model_inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [-1, 3, 48, 192] }]);
  });

  it('answers INVALID_ARGUMENT naming the item for a corrupt image, and keeps serving', async () => {
    const truncated = fixture('text-line-upright.png').subarray(0, 100);
    await expect(callUnary(client.Preprocess.bind(client), { pipeline, items: [{ image: fixture('rec-line.png') }, { image: truncated }] })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^item 1: image: cannot decode image/),
    });
    await expect(callUnary(client.Preprocess.bind(client), { pipeline, items: [{ text: 'not an image' }] })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "item 0: image: this model's pipeline takes an image per item, got text",
    });
    await expect(callUnary(client.Preprocess.bind(client), { pipeline: { ...pipeline, spec_json: '{"input":"image","preprocess":[{"op":"resize"}]}' }, items: [] })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^pipeline spec: preprocess\[0\] \(resize\)/),
    });
    const ok = await callUnary<object, PreprocessResponse__Output>(client.Preprocess.bind(client) as never, { pipeline, items: [{ image: fixture('rec-line.png') }] });
    expect(ok.tensors[0]?.shape).toEqual([1, 3, 48, 192]);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/maas_preprocess_failures_total\{[^}]*reason="corrupt_image"[^}]*\} 1/);
    expect(metrics).toMatch(/maas_preprocess_duration_seconds_count\{[^}]*step_kind="decode_resize"[^}]*\} [1-9]/);
  });

  it('without a registry, a model version reference is UNAVAILABLE with a hint', async () => {
    await expect(callUnary(client.Preprocess.bind(client), { pipeline: { model: 'ocr-cls', version: 1 }, items: [{ image: fixture('rec-line.png') }] })).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
      details: expect.stringMatching(/no registry configured.*spec_json/),
    });
  });
});
