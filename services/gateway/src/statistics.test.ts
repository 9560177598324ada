import { ResourceExhaustedError, NotFoundError } from '@maas/errors';
import { requestLabels, requestOutcome } from './metrics';
import { RateLimitedError } from './rate-limit';
import { parseStatistics } from './statistics';

describe('parseStatistics', () => {
  it('reads the summed hash into protocol durations and per-batch-size executions', () => {
    const s = parseStatistics('m', 3, {
      inference_count: '12', execution_count: '3', last_inference: '1700000000000',
      success_count: '5', success_ns: '5000', fail_count: '1', fail_ns: '70',
      queue_count: '5', queue_ns: '900', compute_input_count: '5', compute_input_ns: '10', compute_infer_count: '5', compute_infer_ns: '200', compute_output_count: '5', compute_output_ns: '30',
      'batch:4:count': '2', 'batch:4:compute_infer_ns': '150', 'batch:4:compute_input_ns': '6', 'batch:4:compute_output_ns': '20',
      'batch:1:count': '1', 'batch:1:compute_infer_ns': '50',
    });
    expect(s).toMatchObject({ model: 'm', version: 3, inferenceCount: 12, executionCount: 3, lastInferenceUnixMs: 1700000000000, success: { count: 5, ns: 5000 }, fail: { count: 1, ns: 70 }, queue: { count: 5, ns: 900 }, computeInput: { count: 5, ns: 10 }, computeInfer: { count: 5, ns: 200 }, computeOutput: { count: 5, ns: 30 } });
    expect([...s.batchSizes.entries()]).toEqual([[1, { count: 1, computeInputNs: 0, computeInferNs: 50, computeOutputNs: 0 }], [4, { count: 2, computeInputNs: 6, computeInferNs: 150, computeOutputNs: 20 }]]);
  });

  it('gives zeros for a version nothing has run on', () => {
    const s = parseStatistics('m', 1, {});
    expect(s.success).toEqual({ count: 0, ns: 0 });
    expect(s.batchSizes.size).toBe(0);
  });
});

describe('request metric labels', () => {
  it('uses one lower-case outcome, rate_limited apart from other RESOURCE_EXHAUSTED', () => {
    expect(requestOutcome()).toBe('ok');
    expect(requestOutcome(new RateLimitedError('spent'))).toBe('rate_limited');
    expect(requestOutcome(new ResourceExhaustedError('queue full'))).toBe('resource_exhausted');
    expect(requestOutcome(new NotFoundError('nope'))).toBe('not_found');
    expect(requestOutcome(new Error('bug'))).toBe('internal');
  });

  it('takes model and version only from a resolved target', () => {
    expect(requestLabels(undefined)).toEqual({ model: 'unresolved', version: 'none' });
    expect(requestLabels({ model: 'mlp', version: 2 })).toEqual({ model: 'mlp', version: '2' });
  });
});
