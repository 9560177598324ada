import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as ort from 'onnxruntime-node';
import type { PipelineRef } from '@maas/protos';
import { BERT_BASE_UNCASED_VOCAB_SHA256, bertBaseUncasedVocabTxt } from './test-fixtures/bert-vocab';
import { image, OCR_ASSETS, runModel, startHarness, values, type Harness } from './test-fixtures/harness';
import { bertShapedClassifier, mlpForward, mlpModel, mlpWeights } from './test-fixtures/onnx-models';

// The real pipelines of issue 6, each through the gRPC service with a real onnxruntime session between
// Preprocess and Postprocess: PaddleOCR orientation classifier and recognizer on committed PNG fixtures, a
// BERT-shaped classifier with the real bert-base-uncased vocab, and an MLP on rows with a missing value.

/** PaddleOCR's cls preprocessing: BGR, height 48 keeping aspect (width capped at 192), (x/255-0.5)/0.5, pad right with 0. */
const OCR_CLS_SPEC = {
  input: { kind: 'image', name: 'image' },
  preprocess: [
    { op: 'decode', color: 'BGR' },
    { op: 'resize', height: 48, keepAspect: true, maxWidth: 192 },
    { op: 'scale', factor: 1 / 255 },
    { op: 'normalize', mean: [0.5], std: [0.5] },
    { op: 'pad', width: 192, align: 'start', value: 0 },
    { op: 'to_tensor', name: 'x', layout: 'CHW', dtype: 'FP32' },
  ],
  postprocess: [{ op: 'top_k', k: 2, labels: 'labels.txt' }],
};

/** PaddleOCR's rec preprocessing: height 48 keeping aspect, padded right to the widest in the batch (at least 320). */
const OCR_REC_SPEC = {
  input: 'image',
  preprocess: [
    { op: 'decode', color: 'BGR' },
    { op: 'resize', height: 48, keepAspect: true, maxWidth: 3200 },
    { op: 'scale', factor: 1 / 255 },
    { op: 'normalize', mean: [0.5], std: [0.5] },
    { op: 'pad', width: 'batch_max', minWidth: 320 },
    { op: 'to_tensor', name: 'x' },
  ],
  postprocess: [{ op: 'ctc_decode', dictionary: 'ppocr_keys_v1.txt', appendSpace: true }],
};

describe('real pipelines through maas-preprocess and onnxruntime', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  describe('ocr-cls (PaddleOCR text orientation)', () => {
    const pipeline: PipelineRef = { model: 'ocr-cls', spec_json: JSON.stringify(OCR_CLS_SPEC), files: { 'labels.txt': Buffer.from('0\n180\n') } };
    let session: ort.InferenceSession;
    beforeAll(async () => {
      session = await ort.InferenceSession.create(path.join(OCR_ASSETS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), { intraOpNumThreads: 1 });
    });

    it('classifies upright text as "0" and 180°-rotated text as "180", as one batch', async () => {
      const files = ['text-line-upright.png', 'text-line-rotated-180.png', 'text-line-upright-2.png', 'text-line-rotated-180-2.png'];
      const pre = await h.preprocess(pipeline, files.map((f) => ({ image: image(f) })));
      expect(pre.tensors.map((t) => [t.name, t.datatype, t.shape])).toEqual([['x', 'FP32', [4, 3, 48, 192]]]);
      expect(pre.kept_items).toEqual([0, 1, 2, 3]);
      const post = await h.postprocess(pipeline, await runModel(session, pre.tensors));
      expect(post.results.map((r) => r.label)).toEqual(['0', '180', '0', '180']);
      for (const r of post.results) {
        expect(r.score).toBeGreaterThan(0.9);
        expect(r.top_k.map((c) => c.label).sort()).toEqual(['0', '180']);
      }
      expect(post.tensors.map((t) => t.name)).toEqual(['label', 'score', 'class_index', 'top_k_labels', 'top_k_scores']);
    });

    it('normalizes like PaddleOCR: white paper is +1, black ink is -1, values stay in [-1, 1]', async () => {
      const pre = await h.preprocess(pipeline, [{ image: image('text-line-upright.png') }]);
      const x = values(pre.tensors[0]);
      expect(x).toHaveLength(3 * 48 * 192); // 362x48 → width min(192, ceil(48 * 362 / 48)): no padding left
      expect(Math.max(...x)).toBeCloseTo(1, 5);
      expect(Math.min(...x)).toBeLessThan(-0.9);
      expect(x.every((v) => v >= -1 && v <= 1)).toBe(true);
    });

    it('records the preprocess time per image (printed for docs/preprocessing.md)', async () => {
      const items = Array.from({ length: 32 }, (_, i) => ({ image: image(i % 2 ? 'text-line-rotated-180.png' : 'text-line-upright.png') }));
      await h.preprocess(pipeline, items); // warm up
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) runs.push((await h.preprocess(pipeline, items)).duration_seconds);
      const single: number[] = [];
      for (let i = 0; i < 20; i++) single.push((await h.preprocess(pipeline, [items[0]!])).duration_seconds);
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
      console.log(`ocr-cls preprocess: batch 32 ${(median(runs) * 1000).toFixed(1)} ms (${((median(runs) * 1000) / 32).toFixed(2)} ms/image), batch 1 ${(median(single) * 1000).toFixed(2)} ms`);
      expect(median(single)).toBeLessThan(0.5);
      const metrics = await h.metrics();
      expect(metrics).toMatch(/maas_preprocess_duration_seconds_count\{[^}]*model="inline",step_kind="decode_resize"\} \d+/);
      expect(metrics).toMatch(/maas_preprocess_duration_seconds_count\{[^}]*model="inline",step_kind="top_k"\} \d+/);
    });
  });

  describe('ocr-rec (PaddleOCR recognizer, CTC over ppocr_keys_v1.txt)', () => {
    it('reads the rendered lines back', async () => {
      const pipeline: PipelineRef = { model: 'ocr-rec', spec_json: JSON.stringify(OCR_REC_SPEC), files: { 'ppocr_keys_v1.txt': fs.readFileSync(path.join(OCR_ASSETS, 'ppocr_keys_v1.txt')) } };
      const session = await ort.InferenceSession.create(path.join(OCR_ASSETS, 'ch_PP-OCRv4_rec_infer.onnx'), { intraOpNumThreads: 1 });
      const pre = await h.preprocess(pipeline, [{ image: image('rec-line.png') }, { image: image('text-line-upright.png') }, { image: image('text-line-upright-2.png') }]);
      const [x] = pre.tensors;
      expect(x?.shape.slice(0, 3)).toEqual([3, 3, 48]);
      const post = await h.postprocess(pipeline, await runModel(session, pre.tensors));
      expect(post.results.map((r) => r.text)).toEqual(['MAAS 12345', 'Hello World 2024', 'Quick brown fox 42']);
      for (const r of post.results) expect(r.score).toBeGreaterThan(0.9);
      expect(post.tensors.map((t) => t.name)).toEqual(['text', 'score']);
    }, 30_000);
  });

  describe('text classifier: BERT-shaped model with the real bert-base-uncased WordPiece vocab', () => {
    const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../test-data/bert-reference.json'), 'utf8')) as {
      max_length: number;
      items: Array<{ text: string; ids: number[]; attention_mask: number[]; type_ids: number[] }>;
    };
    const vocab = bertBaseUncasedVocabTxt();
    const spec = {
      input: 'text',
      preprocess: [{ op: 'tokenize', file: 'vocab.txt', lowercase: true, maxLength: reference.max_length }],
      postprocess: [{ op: 'softmax' }, { op: 'top_k', labels: ['negative', 'positive'] }],
    };
    const pipeline: PipelineRef = { model: 'bert-cls', spec_json: JSON.stringify(spec), files: { 'vocab.txt': Buffer.from(vocab) } };

    it('rebuilds the exact bert-base-uncased vocab.txt', () => {
      expect(Buffer.byteLength(vocab)).toBe(231_508);
      expect(crypto.createHash('sha256').update(vocab).digest('hex')).toBe(BERT_BASE_UNCASED_VOCAB_SHA256);
    });

    it('gives the same ids, mask and type ids as Hugging Face tokenizers (Rust) for every reference sentence', async () => {
      const pre = await h.preprocess(pipeline, reference.items.map((r) => ({ text: r.text })));
      expect(pre.tensors.map((t) => [t.name, t.datatype, t.shape])).toEqual([
        ['input_ids', 'INT64', [reference.items.length, reference.max_length]],
        ['attention_mask', 'INT64', [reference.items.length, reference.max_length]],
        ['token_type_ids', 'INT64', [reference.items.length, reference.max_length]],
      ]);
      const [ids, mask, types] = pre.tensors.map(values);
      expect(ids).toEqual(reference.items.flatMap((r) => r.ids));
      expect(mask).toEqual(reference.items.flatMap((r) => r.attention_mask));
      expect(types).toEqual(reference.items.flatMap((r) => r.type_ids));
    });

    it('runs the model and answers label + score per text', async () => {
      const session = await ort.InferenceSession.create(Buffer.from(bertShapedClassifier()));
      const texts = ['I like strawberries.', 'Hello, world!'];
      const pre = await h.preprocess(pipeline, texts.map((text) => ({ text })));
      const post = await h.postprocess(pipeline, await runModel(session, pre.tensors));
      expect(post.results).toHaveLength(2);
      for (const r of post.results) {
        expect(['negative', 'positive']).toContain(r.label);
        expect(r.score).toBeGreaterThanOrEqual(0.5);
        expect(r.score).toBeLessThanOrEqual(1);
      }
    });

    it('refuses empty text with INVALID_ARGUMENT naming the item', async () => {
      await expect(h.preprocess(pipeline, [{ text: 'fine' }, { text: '   ' }])).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: expect.stringMatching(/^item 1: text: is empty/),
      });
    });
  });

  describe('mlp with a tabular pipeline', () => {
    const weights = mlpWeights();
    const spec = {
      input: 'row',
      preprocess: [
        { op: 'select', columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] },
        { op: 'impute', values: { sepal_width: 3.05, petal_width: 1.2 } },
        { op: 'standardize', mean: { sepal_length: 5.84, sepal_width: 3.05, petal_length: 3.76, petal_width: 1.2 }, std: { sepal_length: 0.83, sepal_width: 0.43, petal_length: 1.76, petal_width: 0.76 } },
        { op: 'to_tensor', name: 'input', dtype: 'FP32' },
      ],
      postprocess: [{ op: 'softmax' }, { op: 'top_k', labels: 'labels.txt' }],
    };
    const labels = ['setosa', 'versicolor', 'virginica'];
    const pipeline: PipelineRef = { model: 'mlp', spec_json: JSON.stringify(spec), files: { 'labels.txt': Buffer.from(labels.join('\n')) } };

    it('imputes the missing value, standardizes, and classifies each row', async () => {
      const session = await ort.InferenceSession.create(Buffer.from(mlpModel(weights)));
      const first = { sepal_length: { number_value: 5.1 }, sepal_width: { number_value: 3.5 }, petal_length: { number_value: 1.4 }, petal_width: { number_value: 0.2 } };
      // The second row comes as JSON (what a KServe BYTES input carries) with sepal_width missing and a numeric string.
      const pre = await h.preprocess(pipeline, [{ row: { cells: first } }, { row_json: JSON.stringify({ sepal_length: 6.7, sepal_width: null, petal_length: '5.2', petal_width: 2.3 }) }]);
      expect(pre.tensors[0]?.shape).toEqual([2, 4]);
      const x = values(pre.tensors[0]);
      const expected = [
        [(5.1 - 5.84) / 0.83, (3.5 - 3.05) / 0.43, (1.4 - 3.76) / 1.76, (0.2 - 1.2) / 0.76],
        [(6.7 - 5.84) / 0.83, 0, (5.2 - 3.76) / 1.76, (2.3 - 1.2) / 0.76],
      ];
      expected.flat().forEach((v, i) => expect(x[i]).toBeCloseTo(v, 5));
      const post = await h.postprocess(pipeline, await runModel(session, pre.tensors));
      const want = expected.map((row) => {
        const logits = mlpForward(weights, Float32Array.from(row));
        return labels[logits.indexOf(Math.max(...logits))];
      });
      expect(post.results.map((r) => r.label)).toEqual(want);
    });

    it('names the item and column of a missing column and of a wrong type', async () => {
      await expect(h.preprocess(pipeline, [{ row_json: JSON.stringify({ sepal_width: 3, petal_length: 1, petal_width: 1 }) }])).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: "item 0: column 'sepal_length': is missing (absent, null or empty) and the pipeline has no impute value for it",
      });
      await expect(h.preprocess(pipeline, [{ row_json: '{"sepal_length":5}' }, { row_json: JSON.stringify({ sepal_length: 'abc', petal_length: 1 }) }])).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: 'item 1: column \'sepal_length\': expected a number, got "abc"',
      });
      const metrics = await h.metrics();
      expect(metrics).toMatch(/maas_preprocess_failures_total\{model="inline",reason="missing_column"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/maas_preprocess_failures_total\{model="inline",reason="wrong_type"[^}]*\} [1-9]/);
    });
  });
});
