import { decodeJob, decodeResult, decodeResults, encodeJob, encodeResult, encodeResults, FIELD_ATTEMPTS, FIELD_BATCH_HEADER, FIELD_DATA, FIELD_HEADER, MalformedEntryError } from './codec';
import { planReplies } from './consumer';
import type { JobRequest, JobResult } from './types';

const fields = (header: string, data: Buffer, attempts = '0'): Buffer[] =>
  [FIELD_HEADER, header, FIELD_DATA, data, FIELD_ATTEMPTS, attempts].map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)));

const job: JobRequest = {
  id: 'j1',
  model: 'mlp',
  version: 3,
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [1, 2], data: Buffer.from(new Float32Array([1.5, -2]).buffer) },
    { name: 'ids', datatype: 'INT64', shape: [1], data: Buffer.from(new BigInt64Array([7n]).buffer) },
  ],
  outputs: ['y'],
  parameters: { top_k: 3, debug: true },
  deadlineUnixMs: 123,
  priority: 1,
};

describe('queue codec', () => {
  it('round-trips a job with its tensors as one binary field', () => {
    const { header, data } = encodeJob(job, 'maas:replies:g1', 99);
    expect(header).not.toContain('1.5');
    expect(data.byteLength).toBe(8 + 8);
    const decoded = decodeJob(fields(header, data, '2'));
    expect(decoded.replyTo).toBe('maas:replies:g1');
    expect(decoded.enqueuedUnixMs).toBe(99);
    expect(decoded.attempts).toBe(2);
    expect(decoded.job).toEqual({ ...job, inputs: job.inputs.map((t) => ({ ...t, data: expect.any(Buffer) })) });
    expect(new Float32Array(new Uint8Array(decoded.job.inputs[0]!.data).buffer)).toEqual(new Float32Array([1.5, -2]));
    expect(decoded.job.inputs[1]!.data.readBigInt64LE(0)).toBe(7n);
  });

  it('rejects an entry whose tensors do not add up to the data field', () => {
    const { header } = encodeJob(job, 'r', 1);
    expect(() => decodeJob(fields(header, Buffer.alloc(3)))).toThrow(MalformedEntryError);
    expect(() => decodeJob(fields(header, Buffer.alloc(40)))).toThrow(/no tensor claims/);
    expect(() => decodeJob(fields('{nope', Buffer.alloc(0)))).toThrow(/not JSON/);
  });

  it('round-trips ok and error results', () => {
    const ok = { jobId: 'j1', ok: true as const, outputs: [{ name: 'y', datatype: 'FP32', shape: [1], data: Buffer.from([0, 0, 128, 63]) }], workerId: 'w', batchSize: 4, queueWaitMs: 1, computeMs: 2, executionProvider: 'cpu' };
    const enc = encodeResult(ok);
    const back = decodeResult([Buffer.from(FIELD_HEADER), Buffer.from(enc.header), Buffer.from(FIELD_DATA), enc.data]);
    expect(back).toEqual(ok);
    const err = { jobId: 'j2', ok: false as const, code: 4, message: 'late' };
    const encErr = encodeResult(err);
    expect(decodeResult([Buffer.from(FIELD_HEADER), Buffer.from(encErr.header)])).toEqual(err);
  });

  it('marks a job whose gateway reads batch replies, and only then', () => {
    expect(decodeJob(fields(encodeJob(job, 'r', 1, true).header, Buffer.alloc(16))).batchReplies).toBe(true);
    expect(decodeJob(fields(encodeJob(job, 'r', 1).header, Buffer.alloc(16))).batchReplies).toBe(false);
    expect(encodeJob(job, 'r', 1).header).not.toContain('batchReplies');
  });

  it('round-trips a batch reply: several ok and error results, each with its own bytes, in order', () => {
    const ok = (id: string, bytes: number[]): JobResult => ({ jobId: id, ok: true, outputs: [{ name: 'y', datatype: 'UINT8', shape: [bytes.length], data: Buffer.from(bytes) }], workerId: 'w', batchSize: 3, queueWaitMs: 1, computeMs: 2, executionProvider: 'cpu' });
    const results: JobResult[] = [ok('a', [1, 2]), { jobId: 'b', ok: false, code: 4, message: 'late' }, ok('c', [3])];
    const { header, data } = encodeResults(results);
    expect(data).toEqual(Buffer.from([1, 2, 3]));
    const entry = [Buffer.from(FIELD_BATCH_HEADER), Buffer.from(header), Buffer.from(FIELD_DATA), data];
    expect(decodeResults(entry)).toEqual(results);
    // A single reply decodes to a list of one.
    const single = encodeResult(results[0]!);
    expect(decodeResults([Buffer.from(FIELD_HEADER), Buffer.from(single.header), Buffer.from(FIELD_DATA), single.data])).toEqual([results[0]]);
  });

  it('rejects a batch reply whose results do not add up to its data field', () => {
    const { header } = encodeResults([{ jobId: 'a', ok: true, outputs: [{ name: 'y', datatype: 'UINT8', shape: [2], data: Buffer.from([1, 2]) }], workerId: 'w', batchSize: 1, queueWaitMs: 0, computeMs: 0, executionProvider: 'cpu' }]);
    const entry = (h: string, d: Buffer) => [Buffer.from(FIELD_BATCH_HEADER), Buffer.from(h), Buffer.from(FIELD_DATA), d];
    expect(() => decodeResults(entry(header, Buffer.alloc(1)))).toThrow(/overruns/);
    expect(() => decodeResults(entry(header, Buffer.alloc(3)))).toThrow(/no result claims/);
    expect(() => decodeResults(entry('{"jobId":"a"}', Buffer.alloc(0)))).toThrow(/not an array/);
    expect(() => decodeResults(entry('[{"ok":true}]', Buffer.alloc(0)))).toThrow(/lacks jobId/);
    expect(() => decodeResults(entry('[nope', Buffer.alloc(0)))).toThrow(MalformedEntryError);
  });
});

describe('planReplies', () => {
  const d = (streamKey: string, batchReplies?: boolean) => ({ delivery: { streamKey, batchReplies } });

  it('answers the batch-reply jobs of one stream with one call and every other job with its own', () => {
    expect(planReplies([d('s1', true), d('s1'), d('s1', true), d('s2', true), d('s1', true)])).toEqual([[1], [0, 2, 4], [3]]);
    expect(planReplies([d('s1'), d('s1')])).toEqual([[0], [1]]);
  });
});
