import { parseModelSelectors } from './config';
import { planBatches } from './inference';
import { runtimeChanged, settingsFromConfig } from './model-source';

const job = (batchKey: string, rows = 1): { batchKey: string; rows: number } => ({ batchKey, rows });

describe('planBatches', () => {
  it('stacks compatible jobs up to the max batch size, in arrival order', () => {
    const jobs = Array.from({ length: 5 }, () => job('x:FP32:4'));
    expect(planBatches(jobs, 2, true)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('runs jobs whose trailing shapes differ separately instead of failing them', () => {
    expect(planBatches([job('a'), job('b'), job('a'), job('b')], 8, true)).toEqual([[0, 2], [1, 3]]);
  });

  it('counts rows, not jobs, against the max batch size', () => {
    expect(planBatches([job('a', 3), job('a', 2), job('a', 1)], 4, true)).toEqual([[0], [1, 2]]);
  });

  it('runs everything one by one for models without a batch dimension', () => {
    expect(planBatches([job('a'), job('a')], 16, false)).toEqual([[0], [1]]);
    expect(planBatches([job('a'), job('a')], 0, true)).toEqual([[0], [1]]);
  });
});

describe('worker settings', () => {
  it('parses MAAS_WORKER_MODELS selectors', () => {
    expect(parseModelSelectors(['mlp', 'ocr:3', '*'])).toEqual({ all: true, selectors: [{ model: 'mlp' }, { model: 'ocr', version: 3 }] });
  });

  it('reads registry version configs with defaults, and knows when a session must be rebuilt', () => {
    const a = settingsFromConfig({ batching: { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 2000 } });
    expect(a).toMatchObject({ maxBatchSize: 16, dynamicBatching: true, maxQueueDelayUs: 2000, graphOptimizationLevel: 'all', executionProviders: [] });
    const b = settingsFromConfig({ batching: { max_batch_size: 32 }, runtime: { intra_op_threads: 1 } });
    expect(runtimeChanged(a, { ...a, maxBatchSize: 8 })).toBe(false);
    expect(runtimeChanged(a, b)).toBe(true);
  });
});
