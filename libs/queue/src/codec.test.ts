import { decodeJob, decodeResult, encodeJob, encodeResult, FIELD_ATTEMPTS, FIELD_DATA, FIELD_HEADER, MalformedEntryError } from './codec';
import type { JobRequest } from './types';

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
});
