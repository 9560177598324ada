import * as fs from 'node:fs';
import * as path from 'node:path';
import { MLP, fixedWeights, identityModel, mlpModel, writeModelFile } from '@maas/models';

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
  return mlpModel({ w1: fixedWeights(inputs * hidden, 11), b1: fixedWeights(hidden, 12, 0.1), w2: fixedWeights(hidden * classes, 13), b2: fixedWeights(classes, 14, 0.1) });
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
