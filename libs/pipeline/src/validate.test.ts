import { InvalidArgumentError } from '@maas/errors';
import { describePipeline } from './describe';
import { validatePipelineSpec } from './validate';

const OCR_CLS = {
  input: 'image',
  preprocess: [
    { op: 'decode', color: 'BGR' },
    { op: 'resize', height: 48, keepAspect: true, maxWidth: 192 },
    { op: 'scale', factor: 1 / 255 },
    { op: 'normalize', mean: [0.5], std: [0.5] },
    { op: 'pad', width: 192 },
    { op: 'to_tensor', name: 'x' },
  ],
  postprocess: [{ op: 'softmax' }, { op: 'top_k', labels: 'labels.txt' }],
};

function messageOf(spec: unknown): string {
  try {
    validatePipelineSpec(typeof spec === 'string' ? spec : JSON.stringify(spec));
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return (err as Error).message;
  }
  throw new Error('expected the spec to be refused');
}

const withStep = (index: number, step: object): object => ({ ...OCR_CLS, preprocess: OCR_CLS.preprocess.map((s, i) => (i === index ? step : s)) });

describe('validatePipelineSpec', () => {
  it('accepts a PaddleOCR cls spec and fills every default', () => {
    const spec = validatePipelineSpec(JSON.stringify(OCR_CLS));
    expect(spec.version).toBe(1);
    expect(spec.input).toEqual({ kind: 'image', name: 'image' });
    expect(spec.preprocess[1]).toMatchObject({ op: 'resize', keepAspect: true, interpolation: 'linear' });
    expect(spec.preprocess[4]).toMatchObject({ op: 'pad', width: 192, align: 'start', value: 0 });
    expect(spec.preprocess[5]).toEqual({ op: 'to_tensor', name: 'x', layout: 'CHW', dtype: 'FP32' });
    expect(spec.postprocess[1]).toMatchObject({ op: 'top_k', k: 1, labels: 'labels.txt' });
    expect(validatePipelineSpec(spec)).toEqual(spec); // idempotent on its own output
  });

  it.each([
    ['not JSON', '{', /^pipeline spec: not valid JSON/],
    ['no input kind', { preprocess: [] }, /spec: field 'input'/],
    ['unknown input kind', { input: 'audio', preprocess: [{ op: 'decode' }] }, /input: field 'kind': expected one of 'image', 'text', 'row', got "audio"/],
    ['unknown top-level field', { ...OCR_CLS, extra: 1 }, /spec: field 'extra': unknown field/],
    ['a negative height', withStep(1, { op: 'resize', height: -1, keepAspect: true }), /preprocess\[1\] \(resize\): field 'height': expected an integer >= 1/],
    ['keepAspect with both sides', withStep(1, { op: 'resize', height: 48, width: 10, keepAspect: true }), /preprocess\[1\] \(resize\): field 'keepAspect': give exactly one of width or height/],
    ['a typo in a field', withStep(1, { op: 'resize', hieght: 48 }), /preprocess\[1\] \(resize\): field 'hieght': unknown field/],
    ['std of zero', withStep(3, { op: 'normalize', mean: [0.5], std: [0] }), /preprocess\[3\] \(normalize\): field 'std': must not contain 0/],
    ['two means for three channels', withStep(3, { op: 'normalize', mean: [0.5, 0.5], std: [0.5] }), /preprocess\[3\] \(normalize\): field 'mean': expected 1 or 3 values/],
    ['no decode first', withStep(0, { op: 'scale', factor: 2 }), /preprocess\[0\] \(scale\): field 'op': an image pipeline starts with decode/],
    ['resize after normalize', { ...OCR_CLS, preprocess: [OCR_CLS.preprocess[0], OCR_CLS.preprocess[3], OCR_CLS.preprocess[1], OCR_CLS.preprocess[5]] }, /preprocess\[2\] \(resize\): field 'op': resize and crop work on decoded pixels: put them before preprocess\[1\] \(normalize\)/],
    ['an unknown image op', withStep(2, { op: 'blur' }), /preprocess\[2\] \(blur\): field 'op': unknown image step/],
    ['a bundle path escaping', { ...OCR_CLS, postprocess: [{ op: 'top_k', labels: '../etc/passwd' }] }, /postprocess\[0\] \(top_k\): field 'labels': expected a file name inside the bundle/],
    ['threshold without top_k', { ...OCR_CLS, postprocess: [{ op: 'threshold', minScore: 0.5 }] }, /postprocess\[0\] \(threshold\): field 'op': threshold needs a top_k step before it/],
    ['tokenize without maxLength', { input: 'text', preprocess: [{ op: 'tokenize', file: 'vocab.txt' }] }, /preprocess\[0\] \(tokenize\): field 'maxLength': is required/],
    ['scaling a column not selected', { input: 'row', preprocess: [{ op: 'select', columns: ['a'] }, { op: 'standardize', mean: { b: 1 }, std: { b: 1 } }, { op: 'to_tensor', name: 'x' }] }, /preprocess\[1\] \(standardize\): field 'mean.b': 'b' is not a selected column/],
    ['a categorical column never one-hot encoded', { input: 'row', preprocess: [{ op: 'select', columns: ['a', 'c'], categorical: ['c'] }, { op: 'to_tensor', name: 'x' }] }, /categorical column 'c' must be one_hot encoded before to_tensor/],
    ['imputing a number into a category', { input: 'row', preprocess: [{ op: 'select', columns: ['c'], categorical: ['c'] }, { op: 'impute', values: { c: 1 } }, { op: 'one_hot', column: 'c', categories: ['x'] }, { op: 'to_tensor', name: 'x' }] }, /field 'values.c': a categorical column is imputed with a category string/],
    ['min_max with max <= min', { input: 'row', preprocess: [{ op: 'select', columns: ['a'] }, { op: 'min_max', min: { a: 2 }, max: { a: 2 } }, { op: 'to_tensor', name: 'x' }] }, /field 'max.a': must be greater than min \(2\), got 2/],
  ])('refuses %s, naming the step and field', (_, spec, pattern) => {
    expect(messageOf(spec)).toMatch(pattern);
  });
});

describe('describePipeline', () => {
  it('lists the raw input, the model input and the answers', () => {
    expect(describePipeline(validatePipelineSpec(OCR_CLS))).toEqual({
      inputs: [{ name: 'image', datatype: 'BYTES', shape: [-1] }],
      modelInputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3, 48, 192] }],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'score', datatype: 'FP32', shape: [-1] },
        { name: 'class_index', datatype: 'INT64', shape: [-1] },
      ],
    });
  });

  it('describes text and row pipelines, with dynamic dims where items decide', () => {
    const text = describePipeline(validatePipelineSpec({ input: 'text', preprocess: [{ op: 'tokenize', file: 'vocab.txt', maxLength: 128, outputs: { tokenTypeIds: null } }], postprocess: [] }));
    expect(text.modelInputs).toEqual([
      { name: 'input_ids', datatype: 'INT64', shape: [-1, 128] },
      { name: 'attention_mask', datatype: 'INT64', shape: [-1, 128] },
    ]);
    expect(text.outputs).toEqual([]);
    const rows = describePipeline(
      validatePipelineSpec({
        input: { kind: 'row', name: 'features' },
        preprocess: [{ op: 'select', columns: ['a', 'c'], categorical: ['c'], onInvalid: 'drop' }, { op: 'one_hot', column: 'c', categories: ['x', 'y', 'z'] }, { op: 'to_tensor', name: 'input' }],
        postprocess: [{ op: 'top_k', k: 2 }],
      }),
    );
    expect(rows.inputs).toEqual([{ name: 'features', datatype: 'BYTES', shape: [-1] }]);
    expect(rows.modelInputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 4] }]);
    expect(rows.outputs.map((o) => o.name)).toEqual(['label', 'score', 'class_index', 'top_k_labels', 'top_k_scores', 'error']);
  });
});
