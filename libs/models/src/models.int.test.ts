import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { identityModel, mlpModel, mlpReference, noBatchModel, ocrClassifierPath, ocrKeysPath, ocrRecognizerPath, poisonModel, sileroVadPath, slowModel } from './index';

const session = (bytes: Uint8Array): Promise<ort.InferenceSession> => ort.InferenceSession.create(bytes);

describe('generated fixtures run in onnxruntime-node', () => {
  it('identity returns its input', async () => {
    const s = await session(identityModel());
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 4]);
    const { y } = await s.run({ x });
    expect(Array.from(y!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('mlp gives probabilities equal to the JS reference', async () => {
    const s = await session(mlpModel());
    const rows = [[0.1, 0.2, 0.3, 0.4], [-1, 2, 0.5, 3]];
    const { probabilities } = await s.run({ x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [2, 4]) });
    expect(probabilities!.dims).toEqual([2, 3]);
    const got = Array.from(probabilities!.data as Float32Array);
    rows.forEach((row, r) => mlpReference(row).forEach((p, k) => expect(got[r * 3 + k]).toBeCloseTo(p, 5)));
    expect(new Set(rows.map((row) => mlpReference(row).map((p) => p.toFixed(3)).join())).size).toBe(2);
  });

  it('no-batch doubles a fixed [3] vector', async () => {
    const s = await session(noBatchModel());
    const { y } = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, -2, 3]), [3]) });
    expect(Array.from(y!.data as Float32Array)).toEqual([2, -4, 6]);
  });

  it('poison looks up good indices and throws on an out-of-range one', async () => {
    const s = await session(poisonModel());
    const { y } = await s.run({ index: new ort.Tensor('int64', BigInt64Array.from([3n, 9n]), [2, 1]) });
    expect(Array.from(y!.data as Float32Array).map((v) => v.toFixed(1))).toEqual(['0.3', '0.9']);
    await expect(s.run({ index: new ort.Tensor('int64', BigInt64Array.from([3n, 42n]), [2, 1]) })).rejects.toThrow(/out of/i);
  });

  it('slow reduces [batch,size,size] to [batch,size]', async () => {
    const s = await session(slowModel({ size: 32, layers: 2 }));
    const { y } = await s.run({ x: new ort.Tensor('float32', new Float32Array(2 * 32 * 32).fill(0.5), [2, 32, 32]) });
    expect(y!.dims).toEqual([2, 32]);
  });
});

describe('real models', () => {
  it('resolves every model file', () => {
    for (const p of [ocrClassifierPath(), ocrRecognizerPath(), ocrKeysPath(), sileroVadPath()]) expect(fs.statSync(p).size).toBeGreaterThan(1000);
  });

  it('runs the OCR orientation classifier on a batch', async () => {
    const s = await ort.InferenceSession.create(ocrClassifierPath());
    const { [s.outputNames[0]!]: out } = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(2 * 3 * 48 * 192), [2, 3, 48, 192]) });
    expect(out!.dims).toEqual([2, 2]);
  });
});
