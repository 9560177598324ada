import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { silentLogger } from '@maas/logging';
import { createMetricsRegistry } from '@maas/metrics';
import { mlpModel, ocrClassifierPath, ocrRecognizerPath, writeModelFile } from '@maas/models';
import { calibrate, calibrateBatchSizes, chooseBatchCap } from './batch-calibration';
import { WorkerMetrics } from './metrics';
import { DEFAULT_VERSION_SETTINGS } from './model-source';

jest.setTimeout(60_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-calibration-'));
const quiet = { logSeverityLevel: 4 as const, intraOpNumThreads: 1, interOpNumThreads: 1 };

describe('batch calibration on real ONNX Runtime sessions', () => {
  const sessions: ort.InferenceSession[] = [];
  const open = async (file: string): Promise<ort.InferenceSession> => {
    const s = await ort.InferenceSession.create(file, quiet);
    sessions.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of sessions) await s.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('measures every size up to max_batch_size and caps by the timings (mlp, fixed [N,4])', async () => {
    const session = await open(writeModelFile(path.join(dir, 'mlp.onnx'), mlpModel()));
    const found = await calibrateBatchSizes(session, 16, 5000);
    expect(found!.timings.map((t) => t.batch)).toEqual([1, 2, 4, 8, 16]);
    expect(found!.timings.every((t) => t.msPerItem > 0 && Number.isFinite(t.msPerItem))).toBe(true);
    expect(found!.batchCap).toBe(chooseBatchCap(found!.timings));
  });

  it('stops at the budget, choosing among the sizes measured', async () => {
    const session = await open(writeModelFile(path.join(dir, 'mlp-budget.onnx'), mlpModel()));
    // A budget spent by the first size's warm-up: that size is measured (3 runs), then it stops.
    expect(await calibrateBatchSizes(session, 8, 0.001)).toEqual({ timings: [expect.objectContaining({ batch: 1 })], batchCap: 1 });
  });

  it('leaves models with a dynamic non-batch dim uncalibrated (the real PaddleOCR models: height and width are dynamic)', async () => {
    expect(await calibrateBatchSizes(await open(ocrClassifierPath()), 8, 5000)).toBeUndefined();
    expect(await calibrateBatchSizes(await open(ocrRecognizerPath()), 8, 5000)).toBeUndefined();
  });

  it('sets maas_worker_batch_cap and returns the timings; off with a zero budget or max_batch_size 1', async () => {
    const session = await open(writeModelFile(path.join(dir, 'mlp2.onnx'), mlpModel()));
    const registry = createMetricsRegistry('test');
    const metrics = new WorkerMetrics(registry);
    const info = { model: 'mlp', version: 3, sha256: '', sizeBytes: 1, batchDim: true, settings: { ...DEFAULT_VERSION_SETTINGS, maxBatchSize: 8 } };
    const created = { session, executionProvider: 'cpu' as const };
    const got = await calibrate(created, info, 2000, silentLogger(), metrics);
    expect(got.calibration!.map((t) => t.batch)).toEqual([1, 2, 4, 8]);
    expect(await registry.metrics()).toContain(`maas_worker_batch_cap{model="mlp",version="3",maas_service="test"} ${chooseBatchCap(got.calibration!)}`);
    expect(await calibrate(created, info, 0, silentLogger(), metrics)).toEqual({});
    expect(await calibrate(created, { ...info, settings: { ...info.settings, maxBatchSize: 1 } }, 2000, silentLogger(), metrics)).toEqual({});
  });
});
