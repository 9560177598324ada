import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { identityModel, writeModelFile } from '@maas/models';
import type { JobRequest } from '@maas/queue';
import { BatchBuffers, prepareJob, runJobs } from './inference';

jest.setTimeout(30_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-batch-buffers-'));

function job(id: string, rows: number[][]): JobRequest {
  const data = Buffer.from(new Float32Array(rows.flat()).buffer);
  return { id, model: 'identity', version: 1, outputs: [], parameters: {}, deadlineUnixMs: 0, priority: 0, inputs: [{ name: 'x', datatype: 'FP32', shape: [rows.length, 4], data }] };
}

const values = (t: { data: Buffer }): number[] => Array.from(new Float32Array(t.data.buffer, t.data.byteOffset, t.data.length / 4));

describe('batch input buffers reused across runs (real ONNX Runtime, identity model)', () => {
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(writeModelFile(path.join(dir, 'identity.onnx'), identityModel()), { logSeverityLevel: 4, intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await session.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a batch's outputs stay intact after the next batch reuses its input buffer, including a smaller and a larger batch", async () => {
    const prepare = (j: JobRequest) => prepareJob(j, session, true);
    const first = await runJobs(session, [prepare(job('a', [[1, 2, 3, 4]])), prepare(job('b', [[5, 6, 7, 8]]))]);
    const second = await runJobs(session, [prepare(job('c', [[9, 9, 9, 9]])), prepare(job('d', [[8, 8, 8, 8]]))]);
    const third = await runJobs(session, [prepare(job('e', [[0, 1, 0, 1], [2, 3, 2, 3]])), prepare(job('f', [[7, 7, 7, 7]]))]);
    const smaller = await runJobs(session, [prepare(job('g', [[4, 4, 4, 4]])), prepare(job('h', [[3, 3, 3, 3]]))]);
    expect(first.map((outs) => values(outs[0]!))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(second.map((outs) => values(outs[0]!))).toEqual([[9, 9, 9, 9], [8, 8, 8, 8]]);
    expect(third.map((outs) => values(outs[0]!))).toEqual([[0, 1, 0, 1, 2, 3, 2, 3], [7, 7, 7, 7]]);
    expect(smaller.map((outs) => values(outs[0]!))).toEqual([[4, 4, 4, 4], [3, 3, 3, 3]]);
  });

  it('two runs of one session in flight never share a buffer', async () => {
    const prepare = (j: JobRequest) => prepareJob(j, session, true);
    const [x, y] = await Promise.all([
      runJobs(session, [prepare(job('x1', [[1, 1, 1, 1]])), prepare(job('x2', [[2, 2, 2, 2]]))]),
      runJobs(session, [prepare(job('y1', [[3, 3, 3, 3]])), prepare(job('y2', [[4, 4, 4, 4]]))]),
    ]);
    expect(x!.map((outs) => values(outs[0]!))).toEqual([[1, 1, 1, 1], [2, 2, 2, 2]]);
    expect(y!.map((outs) => values(outs[0]!))).toEqual([[3, 3, 3, 3], [4, 4, 4, 4]]);
  });
});

describe('BatchBuffers', () => {
  it('lends a held buffer once, keeps the largest given back and allocates when the held one is too small', () => {
    const b = new BatchBuffers();
    const first = b.take('x', 64);
    expect(first.byteLength).toBe(64);
    b.giveBack('x', first);
    expect(b.take('x', 32)).toBe(first); // large enough: reused
    expect(b.take('x', 32)).not.toBe(first); // lent already: a new one
    b.giveBack('x', first);
    const bigger = b.take('x', 128);
    expect(bigger).not.toBe(first);
    b.giveBack('x', bigger);
    b.giveBack('x', new ArrayBuffer(16)); // smaller than the held one: dropped
    expect(b.take('x', 100)).toBe(bigger);
  });
});
