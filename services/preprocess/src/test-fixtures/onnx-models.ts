import { onnx } from 'onnx-proto';

// Small ONNX models written from JS for the pipeline tests (onnx-proto, MIT): a BERT-shaped text classifier
// with random weights, and a tiny MLP. Weights come from a seeded generator, so every run builds the same bytes.

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** A deterministic pseudo-random generator (mulberry32) of floats in [-scale, scale). */
export function seededRandom(seed: number, scale = 1): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  };
}

function floats(name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

function int64s(name: string, values: number[]): onnx.ITensorProto {
  return { name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) };
}

function valueInfo(name: string, elemType: number, dims: Array<string | number>): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}

function node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output, name: output[0] ?? opType, attribute };
}

function encode(graph: onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'maas-tests', graph }).finish();
}

/** Weights of the tiny MLP, so a test can compute the expected answer itself. */
export interface MlpWeights {
  w1: Float32Array; // [inputs, hidden]
  b1: Float32Array;
  w2: Float32Array; // [hidden, classes]
  b2: Float32Array;
  inputs: number;
  hidden: number;
  classes: number;
}

/** Weights of an MLP inputs → hidden (ReLU) → classes. */
export function mlpWeights(inputs = 4, hidden = 8, classes = 3, seed = 7): MlpWeights {
  const rnd = seededRandom(seed);
  const make = (n: number): Float32Array => Float32Array.from({ length: n }, rnd);
  return { w1: make(inputs * hidden), b1: make(hidden), w2: make(hidden * classes), b2: make(classes), inputs, hidden, classes };
}

/** The MLP's logits for one feature row, computed in JS (float32 weights, float64 sums). */
export function mlpForward(w: MlpWeights, x: ArrayLike<number>): number[] {
  const h = Array.from({ length: w.hidden }, (_, j) => {
    let s = w.b1[j] ?? 0;
    for (let i = 0; i < w.inputs; i++) s += (x[i] ?? 0) * (w.w1[i * w.hidden + j] ?? 0);
    return Math.max(0, s);
  });
  return Array.from({ length: w.classes }, (_, k) => {
    let s = w.b2[k] ?? 0;
    for (let j = 0; j < w.hidden; j++) s += (h[j] ?? 0) * (w.w2[j * w.classes + k] ?? 0);
    return s;
  });
}

/** An MLP classifier: input float32[N, inputs] → logits float32[N, classes]. */
export function mlpModel(w: MlpWeights): Uint8Array {
  return encode({
    name: 'mlp',
    initializer: [floats('w1', [w.inputs, w.hidden], w.w1), floats('b1', [w.hidden], w.b1), floats('w2', [w.hidden, w.classes], w.w2), floats('b2', [w.classes], w.b2)],
    node: [
      node('MatMul', ['input', 'w1'], ['h0']),
      node('Add', ['h0', 'b1'], ['h1']),
      node('Relu', ['h1'], ['h2']),
      node('MatMul', ['h2', 'w2'], ['l0']),
      node('Add', ['l0', 'b2'], ['logits']),
    ],
    input: [valueInfo('input', FLOAT, ['N', w.inputs])],
    output: [valueInfo('logits', FLOAT, ['N', w.classes])],
  });
}

/**
 * A BERT-shaped text classifier with random weights: input_ids, attention_mask, token_type_ids int64[N, L] →
 * token + segment embeddings, mean over the unmasked positions, a linear layer → logits float32[N, classes].
 */
export function bertShapedClassifier(vocabSize = 30522, hidden = 16, classes = 2, seed = 11): Uint8Array {
  const rnd = seededRandom(seed, 0.5);
  const make = (n: number): Float32Array => Float32Array.from({ length: n }, rnd);
  const attr = (name: string, i: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  return encode({
    name: 'bert-shaped',
    initializer: [
      floats('word_embeddings', [vocabSize, hidden], make(vocabSize * hidden)),
      floats('token_type_embeddings', [2, hidden], make(2 * hidden)),
      floats('classifier_w', [hidden, classes], make(hidden * classes)),
      floats('classifier_b', [classes], make(classes)),
      int64s('axis_2', [2]),
      int64s('axis_1', [1]),
    ],
    node: [
      node('Gather', ['word_embeddings', 'input_ids'], ['words']),
      node('Gather', ['token_type_embeddings', 'token_type_ids'], ['segments']),
      node('Add', ['words', 'segments'], ['embedded']),
      node('Cast', ['attention_mask'], ['mask_f'], [attr('to', FLOAT)]),
      node('Unsqueeze', ['mask_f', 'axis_2'], ['mask_3d']),
      node('Mul', ['embedded', 'mask_3d'], ['masked']),
      node('ReduceSum', ['masked', 'axis_1'], ['summed'], [attr('keepdims', 0)]),
      node('ReduceSum', ['mask_3d', 'axis_1'], ['count'], [attr('keepdims', 0)]),
      node('Div', ['summed', 'count'], ['pooled']),
      node('MatMul', ['pooled', 'classifier_w'], ['scores']),
      node('Add', ['scores', 'classifier_b'], ['logits']),
    ],
    input: [valueInfo('input_ids', INT64, ['N', 'L']), valueInfo('attention_mask', INT64, ['N', 'L']), valueInfo('token_type_ids', INT64, ['N', 'L'])],
    output: [valueInfo('logits', FLOAT, ['N', classes])],
  });
}
