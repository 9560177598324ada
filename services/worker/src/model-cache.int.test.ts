import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@maas/logging';
import { createMetricsRegistry } from '@maas/metrics';
import { identityModel, writeModelFile } from '@maas/models';
import { createSession } from './execution-providers';
import { WorkerMetrics } from './metrics';
import { ModelCache, ModelTooBigError } from './model-cache';
import { DEFAULT_VERSION_SETTINGS, type VersionInfo } from './model-source';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-cache-'));
const logger = silentLogger();

function version(model: string, features: number): VersionInfo & { file: string } {
  const file = writeModelFile(path.join(dir, `${model}.onnx`), identityModel({ features }));
  return { model, version: 1, sha256: '', sizeBytes: fs.statSync(file).size, batchDim: true, settings: DEFAULT_VERSION_SETTINGS, file };
}

function cache(budgetBytes: number, idleUnloadMs = 0): { cache: ModelCache; metrics: WorkerMetrics; loads: string[] } {
  const metrics = new WorkerMetrics(createMetricsRegistry('test'));
  const loads: string[] = [];
  const files = new Map<string, string>();
  const c = new ModelCache({
    memoryBudgetBytes: budgetBytes,
    idleUnloadMs,
    logger,
    metrics,
    load: async (info) => {
      loads.push(info.model);
      return createSession(files.get(info.model) ?? path.join(dir, `${info.model}.onnx`), info.settings, 'cpu', logger, metrics);
    },
  });
  return { cache: c, metrics, loads };
}

describe('ModelCache with real ONNX Runtime sessions', () => {
  const a = version('a', 2);
  const b = version('b', 3);
  const c = version('c', 4);
  const budget = a.sizeBytes + b.sizeBytes + Math.min(a.sizeBytes, b.sizeBytes) / 2; // room for two, not three

  it('with a budget for two models, loading a third evicts the least recently used', async () => {
    const { cache: models, metrics, loads } = cache(budget);
    for (const info of [a, b, a]) models.release(await models.acquire(info)); // a used last: b is LRU
    expect(models.loadedKeys()).toEqual(['b:1', 'a:1']);
    const third = await models.acquire(c);
    const out = await third.session.run({ x: new (await import('onnxruntime-node')).Tensor('float32', new Float32Array(4), [1, 4]) });
    expect(out['y']!.dims).toEqual([1, 4]);
    models.release(third);
    expect(models.loadedKeys().sort()).toEqual(['a:1', 'c:1']);
    expect(loads).toEqual(['a', 'b', 'c']);
    expect(models.usedBytes).toBeLessThanOrEqual(budget);
    const evictions = await metrics.modelEvictions.get();
    expect(evictions.values).toEqual([expect.objectContaining({ labels: { model: 'b', version: '1', reason: 'lru' }, value: 1 })]);
    await models.close();
  });

  it('never evicts a model in use: a load waits until one is released', async () => {
    const { cache: models } = cache(budget);
    const heldA = await models.acquire(a);
    const heldB = await models.acquire(b);
    let loadedC = false;
    const pending = models.acquire(c).then((m) => {
      loadedC = true;
      return m;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(loadedC).toBe(false);
    models.release(heldA);
    models.release(await pending);
    expect(models.loadedKeys().sort()).toEqual(['b:1', 'c:1']);
    models.release(heldB);
    await models.close();
  });

  it('refuses a model bigger than the whole budget with a clear error', async () => {
    const { cache: models } = cache(a.sizeBytes - 1);
    await expect(models.acquire(a)).rejects.toThrow(ModelTooBigError);
    await expect(models.acquire(a)).rejects.toThrow(/needs \d+ bytes, more than this worker's whole memory budget .*MAAS_WORKER_MEMORY_BUDGET_BYTES/);
  });

  it('unloads models idle longer than idleUnloadMs', async () => {
    const { cache: models } = cache(budget, 100);
    models.release(await models.acquire(a));
    expect(models.loadedKeys()).toEqual(['a:1']);
    await new Promise((r) => setTimeout(r, 250));
    expect(models.loadedKeys()).toEqual([]);
    await models.close();
  });
});
