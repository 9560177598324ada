import sharp from 'sharp';
import type { Tensor } from '@maas/tensor';
import { resultsToTensors } from './describe';
import { ItemError } from './item-error';
import { loadPipeline, Pipeline } from './pipeline';
import { validatePipelineSpec } from './validate';
import { ctcGreedyDecode } from './post/ctc';

async function errorOf(promise: Promise<unknown>): Promise<ItemError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ItemError) return err;
    throw err;
  }
  throw new Error('expected an ItemError');
}

/** A w×h RGB PNG filled with one colour. */
function png(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

const fp32 = (name: string, shape: number[], values: number[]): Tensor => ({ name, datatype: 'FP32', shape, data: Float32Array.from(values) });

describe('image pipeline', () => {
  const spec = {
    input: 'image',
    preprocess: [
      { op: 'decode', color: 'BGR' },
      { op: 'resize', height: 4, keepAspect: true, maxWidth: 8 },
      { op: 'scale', factor: 1 / 255 },
      { op: 'normalize', mean: [0.5], std: [0.5] },
      { op: 'pad', width: 8 },
      { op: 'to_tensor', name: 'x' },
    ],
  };

  it('keeps the aspect, pads right with exactly 0 after normalization, and lays out BGR planes (CHW)', async () => {
    const pipeline = loadPipeline(JSON.stringify(spec));
    // 6x4 → width ceil(4 * 6 / 4) = 6, padded to 8. Pure red (255,0,0) → BGR planes: B=-1, G=-1, R=+1.
    const { tensors } = await pipeline.preprocess([{ image: await png(6, 4, [255, 0, 0]) }]);
    const x = tensors[0]!;
    expect(x.shape).toEqual([1, 3, 4, 8]);
    const data = Array.from(x.data as Float32Array);
    const plane = (c: number): number[] => data.slice(c * 32, (c + 1) * 32);
    for (const [c, value] of [[0, -1], [1, -1], [2, 1]] as const) {
      const rows = Array.from({ length: 4 }, (_, r) => plane(c).slice(r * 8, r * 8 + 8));
      for (const row of rows) expect(row).toEqual([value, value, value, value, value, value, 0, 0]);
    }
  });

  it('caps the width at maxWidth (wide images are squeezed, not cut)', async () => {
    const { tensors } = await loadPipeline(JSON.stringify(spec)).preprocess([{ image: await png(40, 4, [0, 0, 0]) }, { image: await png(2, 4, [0, 0, 0]) }]);
    expect(tensors[0]?.shape).toEqual([2, 3, 4, 8]);
  });

  it('refuses corrupt bytes, non-image formats and empty items with their index', async () => {
    const pipeline = loadPipeline(JSON.stringify(spec));
    const good = await png(4, 4, [1, 2, 3]);
    const truncated = await errorOf(pipeline.preprocess([{ image: good }, { image: good.subarray(0, 40) }]));
    expect([truncated.itemIndex, truncated.reason]).toEqual([1, 'corrupt_image']);
    expect(truncated.message).toMatch(/^item 1: image: cannot decode image/);
    const svg = await errorOf(pipeline.preprocess([{ image: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') }]));
    expect(svg.message).toMatch(/^item 0: image: not a JPEG, PNG or WebP image/);
    expect((await errorOf(pipeline.preprocess([{ image: Buffer.alloc(0) }]))).reason).toBe('corrupt_image');
    expect((await errorOf(pipeline.preprocess([{ text: 'hi' }]))).message).toBe('item 0: image: this model\'s pipeline takes an image per item, got text');
  });

  it('refuses a batch of different sizes when nothing fixes the size', async () => {
    const loose = loadPipeline(JSON.stringify({ input: 'image', preprocess: [{ op: 'decode' }, { op: 'to_tensor', name: 'x', layout: 'HWC', dtype: 'UINT8' }] }));
    const err = await errorOf(loose.preprocess([{ image: await png(4, 4, [0, 0, 0]) }, { image: await png(5, 4, [0, 0, 0]) }]));
    expect(err.message).toMatch(/^item 1: image: is 5x4 after preprocessing but item 0 is 4x4/);
    const { tensors } = await loose.preprocess([{ image: await png(2, 1, [10, 20, 30]) }]);
    expect(tensors[0]).toMatchObject({ datatype: 'UINT8', shape: [1, 1, 2, 3] });
    expect(Array.from(tensors[0]!.data as Uint8Array)).toEqual([10, 20, 30, 10, 20, 30]);
  });
});

describe('text pipeline (WordPiece vocab.txt)', () => {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s', 'cafe', '!'].join('\n');
  const files = new Map([['vocab.txt', Buffer.from(vocab)]]);
  const spec = (extra: object): string => JSON.stringify({ input: 'text', preprocess: [{ op: 'tokenize', file: 'vocab.txt', maxLength: 6, ...extra }] });

  it('lowercases, strips accents, splits punctuation and wordpieces, adds [CLS]/[SEP], pads and masks', async () => {
    const { tensors } = await loadPipeline(spec({}), files).preprocess([{ text: 'Hello Worlds!' }, { text: 'CAFÉ zzz' }]);
    expect(tensors.map((t) => [t.name, t.shape])).toEqual([
      ['input_ids', [2, 6]],
      ['attention_mask', [2, 6]],
      ['token_type_ids', [2, 6]],
    ]);
    expect(Array.from(tensors[0]!.data as BigInt64Array, Number)).toEqual([2, 5, 6, 7, 9, 3, 2, 8, 1, 3, 0, 0]);
    expect(Array.from(tensors[1]!.data as BigInt64Array, Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('truncates keeping [SEP], pads to the longest with padding longest, and can refuse long text', async () => {
    const long = 'hello world hello world hello';
    const { tensors } = await loadPipeline(spec({ padding: 'longest', dtype: 'INT32' }), files).preprocess([{ text: long }, { text: 'hello' }]);
    expect(tensors[0]).toMatchObject({ datatype: 'INT32', shape: [2, 6] });
    expect(Array.from(tensors[0]!.data as Int32Array)).toEqual([2, 5, 6, 5, 6, 3, 2, 5, 3, 0, 0, 0]);
    const err = await errorOf(loadPipeline(spec({ truncation: false }), files).preprocess([{ text: 'ok' }, { text: long }]));
    expect(err.message).toBe('item 1: text: has 7 tokens, more than maxLength 6 (truncation is off)');
  });

  it('refuses empty text and a missing vocab file', async () => {
    expect((await errorOf(loadPipeline(spec({}), files).preprocess([{ text: '' }]))).reason).toBe('empty_text');
    expect(() => loadPipeline(spec({}), new Map())).toThrow("pipeline spec: preprocess[0] (tokenize): file 'vocab.txt' is not in the model bundle (it has no side files)");
  });
});

describe('tabular pipeline', () => {
  const spec = {
    input: 'row',
    preprocess: [
      { op: 'select', columns: ['age', 'colour', 'income'], categorical: ['colour'] },
      { op: 'impute', values: { income: 50, colour: 'red' } },
      { op: 'min_max', min: { age: 0 }, max: { age: 100 } },
      { op: 'standardize', mean: { income: 50 }, std: { income: 10 } },
      { op: 'one_hot', column: 'colour', categories: ['red', 'green'] },
      { op: 'to_tensor', name: 'features' },
    ],
  };

  it('selects by name in order, imputes, scales and one-hot encodes in place', async () => {
    const { tensors, keptItems, dropped } = await loadPipeline(JSON.stringify(spec)).preprocess([
      { row: { income: 70, age: 30, colour: 'green', extra: 'ignored' } },
      { row: { age: '50', colour: null } },
    ]);
    expect(tensors[0]?.shape).toEqual([2, 4]);
    expect(Array.from(tensors[0]!.data as Float32Array)).toEqual([Math.fround(0.3), 0, 1, 2, 0.5, 1, 0, 0]);
    expect([keptItems, dropped]).toEqual([[0, 1], []]);
  });

  it.each([
    [{ age: 'old' }, "item 0: column 'age': expected a number, got \"old\"", 'wrong_type'],
    [{ age: true }, "item 0: column 'age': expected a number, got true", 'wrong_type'],
    [{ colour: 'blue', age: 1 }, "item 0: column 'colour': expected one of \"red\", \"green\", got \"blue\"", 'unknown_category'],
    [{ income: 1 }, "item 0: column 'age': is missing (absent, null or empty) and the pipeline has no impute value for it", 'missing_column'],
  ])('refuses %j with a message naming item and column', async (row, message, reason) => {
    const err = await errorOf(loadPipeline(JSON.stringify(spec)).preprocess([{ row }]));
    expect([err.message, err.reason]).toEqual([message, reason]);
  });

  it('drops bad rows instead with onInvalid drop, and reports them', async () => {
    const dropping = { ...spec, preprocess: [{ ...spec.preprocess[0], onInvalid: 'drop' }, ...spec.preprocess.slice(1)] };
    const result = await loadPipeline(JSON.stringify(dropping)).preprocess([{ row: { age: 'x' } }, { row: { age: 10 } }, { row: { age: 1, colour: 'blue' } }]);
    expect(result.tensors[0]?.shape).toEqual([1, 4]);
    expect(result.keptItems).toEqual([1]);
    expect(result.dropped.map((d) => [d.item, d.reason])).toEqual([
      [0, 'wrong_type'],
      [2, 'unknown_category'],
    ]);
  });
});

describe('post steps', () => {
  const classify = loadPipeline(
    JSON.stringify({ input: 'text', preprocess: [{ op: 'tokenize', file: 'v.txt', maxLength: 4 }], postprocess: [{ op: 'softmax' }, { op: 'top_k', k: 2, labels: ['cat', 'dog', 'eel'] }, { op: 'threshold', minScore: 0.5 }] }),
    new Map([['v.txt', Buffer.from('[PAD]\n[UNK]\n[CLS]\n[SEP]\n')]]),
  );

  it('softmax, top-k with labels, and threshold', async () => {
    const results = await classify.postprocess([fp32('logits', [2, 3], [0, 3, 1, 1, 1, 1])], 2);
    expect(results[0]).toMatchObject({ label: 'dog', classIndex: 1 });
    expect(results[0]?.score).toBeCloseTo(Math.exp(3) / (1 + Math.exp(3) + Math.exp(1)), 6);
    expect(results[0]?.topK?.map((c) => c.label)).toEqual(['dog', 'eel']);
    expect(results[1]).toMatchObject({ label: 'unknown', classIndex: -1 }); // 1/3 < 0.5
    const tensors = resultsToTensors(classify.spec, results);
    expect(tensors.map((t) => [t.name, t.shape])).toEqual([['label', [2]], ['score', [2]], ['class_index', [2]], ['top_k_labels', [2, 2]], ['top_k_scores', [2, 2]]]);
    expect(tensors[0]?.data).toEqual(['dog', 'unknown']);
  });

  it('a post-only pipeline needs no tokenizer, answers in request order with dropped rows, and refuses to preprocess', async () => {
    const json = JSON.stringify({ input: 'text', preprocess: [{ op: 'tokenize', file: 'v.txt', maxLength: 4 }], postprocess: [{ op: 'top_k', labels: 'labels.txt' }] });
    expect(Pipeline.postFiles(validatePipelineSpec(json))).toEqual(['labels.txt']);
    const post = Pipeline.loadPostOnly(json, new Map([['labels.txt', Buffer.from('cat\ndog\n')]]));
    const dropped = [{ item: 1, field: 'text', reason: 'empty_text' as const, message: 'item 1 text: is empty' }];
    const { placed, tensors } = await post.answer([fp32('logits', [2, 2], [0, 1, 1, 0])], [0, 2], 3, dropped);
    expect(placed.map((r) => r?.label)).toEqual(['dog', undefined, 'cat']);
    expect(tensors[0]?.data).toEqual(['dog', '', 'cat']);
    await expect(post.answer([fp32('logits', [2, 2], [0, 1, 1, 0])], [0, 3], 3, [])).rejects.toThrow(/kept_items/);
    await expect(post.preprocess([{ text: 'hi' }])).rejects.toThrow('postprocessing only');
  });

  it('refuses outputs that do not fit, naming the tensor', async () => {
    await expect(classify.postprocess([fp32('logits', [2, 4], new Array<number>(8).fill(0))], 2)).rejects.toThrow("output 'logits': has 4 classes per item but the labels list 3");
    await expect(classify.postprocess([fp32('logits', [1, 3], [0, 0, 0])], 2)).rejects.toThrow("output 'logits': expected shape [2, ...] (one row per item), got [1,3]");
  });

  it('CTC greedy decoding merges repeats, drops blanks and keeps doubled letters split by a blank', () => {
    // classes: 0 blank, 1 'a', 2 'b'; steps: a a _ a b b _ → "aab"
    const steps = [1, 1, 0, 1, 2, 2, 0];
    const scores = steps.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 0.9 : 0.05)));
    expect(ctcGreedyDecode(scores, steps.length, 3, ['a', 'b'])).toEqual({ text: 'aab', score: 0.9 });
    expect(ctcGreedyDecode([1, 0, 0], 1, 3, ['a', 'b'])).toEqual({ text: '', score: 0 });
  });
});
