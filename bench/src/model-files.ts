import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureBytes, ocrClassifierPath, writeModelFile } from '@maas/models';

/**
 * Path of a bench model's ONNX file: the real ones from their npm packages (through @maas/models), the
 * generated ones written once per process under the temp folder.
 */
export function benchModelFile(name: string): string {
  switch (name) {
    case 'ocr-cls':
      return ocrClassifierPath();
    case 'identity':
    case 'mlp':
      return writeModelFile(path.join(os.tmpdir(), `maas-bench-${process.pid}`, `${name}.onnx`), fixtureBytes(name));
    default:
      throw new Error(`unknown bench model ${JSON.stringify(name)}; known: identity, mlp, ocr-cls`);
  }
}
