import { buildModel, fixedWeights } from './onnx-builder';

/**
 * Generated ONNX fixtures: small, deterministic models that exercise one behaviour each. Each returns
 * the serialized model; `writeFixture` / `writeAllFixtures` put them on disk.
 */

/** identity: `x` float32 [batch, features] → `y` = x. The cheapest possible model (measures platform overhead). */
export function identityModel(options: { features?: number } = {}): Uint8Array {
  const features = options.features ?? 4;
  return buildModel({
    name: 'identity',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', features] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', features] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  });
}

/** Shapes and weights of the mlp fixture (exported so tests can compute the expected answer). */
export const MLP = { inputs: 4, hidden: 8, classes: 3, w1: fixedWeights(4 * 8, 1), b1: fixedWeights(8, 2, 0.1), w2: fixedWeights(8 * 3, 3), b2: fixedWeights(3, 4, 0.1) };

/**
 * mlp: a tabular classifier. `x` float32 [batch, 4] → `probabilities` float32 [batch, 3]
 * = softmax(relu(x·W1 + b1)·W2 + b2), with fixed weights (MLP by default) so results are reproducible.
 */
export function mlpModel(weights: Pick<typeof MLP, 'w1' | 'b1' | 'w2' | 'b2'> = MLP): Uint8Array {
  const { inputs, hidden, classes } = MLP;
  return buildModel({
    name: 'mlp',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', inputs] }],
    outputs: [{ name: 'probabilities', type: 'float32', dims: ['batch', classes] }],
    initializers: [
      { name: 'w1', dims: [inputs, hidden], float32: weights.w1 },
      { name: 'b1', dims: [hidden], float32: weights.b1 },
      { name: 'w2', dims: [hidden, classes], float32: weights.w2 },
      { name: 'b2', dims: [classes], float32: weights.b2 },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h0'] },
      { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h1'] },
      { op: 'Relu', inputs: ['h1'], outputs: ['h'] },
      { op: 'MatMul', inputs: ['h', 'w2'], outputs: ['l0'] },
      { op: 'Add', inputs: ['l0', 'b2'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], attributes: { axis: 1 } },
    ],
  });
}

/** What mlpModel computes, in plain JS, for one row of 4 features (for asserting served results). */
export function mlpReference(row: ArrayLike<number>): number[] {
  const { inputs, hidden, classes, w1, b1, w2, b2 } = MLP;
  const h = Array.from({ length: hidden }, (_, j) => {
    let s = b1[j]!;
    for (let i = 0; i < inputs; i++) s += row[i]! * w1[i * hidden + j]!;
    return Math.max(0, s);
  });
  const logits = Array.from({ length: classes }, (_, k) => {
    let s = b2[k]!;
    for (let j = 0; j < hidden; j++) s += h[j]! * w2[j * classes + k]!;
    return s;
  });
  const max = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/** no-batch: `x` float32 [3] → `y` = 2x. Fixed shape, no batch dimension: requests run one by one. */
export function noBatchModel(): Uint8Array {
  return buildModel({
    name: 'no_batch',
    inputs: [{ name: 'x', type: 'float32', dims: [3] }],
    outputs: [{ name: 'y', type: 'float32', dims: [3] }],
    initializers: [{ name: 'two', dims: [], float32: new Float32Array([2]) }],
    nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] }],
  });
}

/** Size of the poison model's lookup table: indices 0..POISON_TABLE_SIZE-1 are fine, others make ORT throw. */
export const POISON_TABLE_SIZE = 10;

/**
 * poison: `index` int64 [batch, 1] → `y` float32 [batch, 1] = table[index] (Gather), table[i] = i / 10.
 * An index outside 0..9 makes onnxruntime throw at run time ("indices element out of data bounds"),
 * for the whole batch it is in: the fixture for dead-letter and batch-isolation tests.
 */
export function poisonModel(): Uint8Array {
  const table = Float32Array.from({ length: POISON_TABLE_SIZE }, (_, i) => i / 10);
  return buildModel({
    name: 'poison',
    inputs: [{ name: 'index', type: 'int64', dims: ['batch', 1] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', 1] }],
    initializers: [{ name: 'table', dims: [POISON_TABLE_SIZE], float32: table }],
    nodes: [{ op: 'Gather', inputs: ['table', 'index'], outputs: ['y'], attributes: { axis: 0 } }],
  });
}

/**
 * slow: `x` float32 [batch, size, size] → `y` float32 [batch, size]: `layers` rounds of tanh(x·W), then a
 * row sum. About layers × size³ multiply-adds per item (defaults 8 × 160³ ≈ 33M: a few ms per item on
 * one core), so a batch is busy long enough to kill a worker in the middle of it.
 */
export function slowModel(options: { size?: number; layers?: number } = {}): Uint8Array {
  const size = options.size ?? 160;
  const layers = options.layers ?? 8;
  const nodes = [];
  let current = 'x';
  for (let i = 0; i < layers; i++) {
    nodes.push({ op: 'MatMul', inputs: [current, 'w'], outputs: [`m${i}`] }, { op: 'Tanh', inputs: [`m${i}`], outputs: [`t${i}`] });
    current = `t${i}`;
  }
  nodes.push({ op: 'ReduceSum', inputs: [current, 'axes'], outputs: ['y'], attributes: { keepdims: 0 } });
  return buildModel({
    name: 'slow',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', size, size] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', size] }],
    initializers: [
      { name: 'w', dims: [size, size], float32: fixedWeights(size * size, 5, 1 / Math.sqrt(size)) },
      { name: 'axes', dims: [1], int64: [2] },
    ],
    nodes,
  });
}
