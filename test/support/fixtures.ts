import * as fs from 'node:fs';
import * as path from 'node:path';
import { MLP, buildModel, fixedWeights, identityModel, mlpModel, writeModelFile } from '@maas/models';

/** Model files for end-to-end tests, written under a test's folder. */
export interface Fixtures {
  identity: string;
  identityInput: string;
  mlp: string;
  /** The same MLP shape with other weights (a "v2" to promote). */
  mlpV2: string;
  mlpInput: string;
  mlpOutput: string;
}

/** The mlp fixture's graph with other (still fixed) weights, so a promoted version answers differently. */
function mlpV2Model(): Uint8Array {
  const { inputs, hidden, classes } = MLP;
  return buildModel({
    name: 'mlp-v2',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', inputs] }],
    outputs: [{ name: 'probabilities', type: 'float32', dims: ['batch', classes] }],
    initializers: [
      { name: 'w1', dims: [inputs, hidden], float32: fixedWeights(inputs * hidden, 11) },
      { name: 'b1', dims: [hidden], float32: fixedWeights(hidden, 12, 0.1) },
      { name: 'w2', dims: [hidden, classes], float32: fixedWeights(hidden * classes, 13) },
      { name: 'b2', dims: [classes], float32: fixedWeights(classes, 14, 0.1) },
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

/** Writes every model the e2e tests use. */
export async function prepareFixtures(dir: string): Promise<Fixtures> {
  const at = path.join(dir, 'fixtures');
  fs.mkdirSync(at, { recursive: true });
  return {
    identity: writeModelFile(path.join(at, 'identity.onnx'), identityModel()),
    identityInput: 'x',
    mlp: writeModelFile(path.join(at, 'mlp.onnx'), mlpModel()),
    mlpV2: writeModelFile(path.join(at, 'mlp-v2.onnx'), mlpV2Model()),
    mlpInput: 'x',
    mlpOutput: 'probabilities',
  };
}
