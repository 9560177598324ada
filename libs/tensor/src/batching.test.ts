import { split, stack } from './batching';
import type { Tensor } from './tensor';
import { TensorError } from './tensor-error';

function errorOf(fn: () => unknown): TensorError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TensorError) return e;
    throw e;
  }
  throw new Error('expected a TensorError');
}

const fp32 = (rows: number, values: number[]): Tensor => ({ name: 'x', datatype: 'FP32', shape: [rows, 2], data: Float32Array.from(values) });

describe('stack / split (dynamic batching along dim 0)', () => {
  it('concatenates rows and reports per-part row counts', () => {
    const { tensor, rowCounts } = stack([fp32(1, [1, 2]), fp32(2, [3, 4, 5, 6]), fp32(0, [])]);
    expect(tensor.shape).toEqual([3, 2]);
    expect(Array.from(tensor.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rowCounts).toEqual([1, 2, 0]);
    const parts = split(tensor, rowCounts);
    expect(parts.map((p) => p.shape)).toEqual([[1, 2], [2, 2], [0, 2]]);
    expect(parts.map((p) => Array.from(p.data as Float32Array))).toEqual([[1, 2], [3, 4, 5, 6], []]);
  });

  it('split returns views of the batch, and stacking one tensor copies nothing', () => {
    const single = fp32(2, [1, 2, 3, 4]);
    expect(stack([single]).tensor).toBe(single);
    const parts = split(single, [1, 1]);
    expect((parts[1]?.data as Float32Array).buffer).toBe((single.data as Float32Array).buffer);
  });

  it('stacks 64-bit and BYTES tensors', () => {
    const ints = stack([
      { name: 'ids', datatype: 'INT64', shape: [1, 1], data: BigInt64Array.from([1n]) },
      { name: 'ids', datatype: 'INT64', shape: [1, 1], data: BigInt64Array.from([2n]) },
    ]);
    expect(Array.from(ints.tensor.data as BigInt64Array)).toEqual([1n, 2n]);
    const text = stack([
      { name: 't', datatype: 'BYTES', shape: [1], data: ['a'] },
      { name: 't', datatype: 'BYTES', shape: [2], data: [Buffer.from('b'), Buffer.from('c')] },
    ]);
    expect((text.tensor.data as Buffer[]).map(String)).toEqual(['a', 'b', 'c']);
    expect(split(text.tensor, [2, 1]).map((p) => (p.data as Buffer[]).map(String))).toEqual([['a', 'b'], ['c']]);
    const strings = stack([
      { name: 't', datatype: 'BYTES', shape: [1], data: ['a'] },
      { name: 't', datatype: 'BYTES', shape: [1], data: ['b'] },
    ]);
    expect(strings.tensor.data).toEqual(['a', 'b']);
  });

  it('rejects mixed datatypes, mismatched trailing dims, scalars, names and empty input', () => {
    expect(errorOf(() => stack([fp32(1, [1, 2]), { name: 'x', datatype: 'FP64', shape: [1, 2], data: new Float64Array(2) }])).reason).toBe(
      'datatype_mismatch',
    );
    const shape = errorOf(() => stack([fp32(1, [1, 2]), { name: 'x', datatype: 'FP32', shape: [1, 3], data: new Float32Array(3) }]));
    expect(shape.reason).toBe('shape_mismatch');
    expect(shape.expected).toBe('[-1,2]');
    expect(shape.got).toBe('[1,3]');
    expect(errorOf(() => stack([{ name: 'x', datatype: 'FP32', shape: [], data: new Float32Array(1) }])).reason).toBe('bad_shape');
    expect(errorOf(() => stack([fp32(1, [1, 2]), { ...fp32(1, [1, 2]), name: 'y' }])).reason).toBe('bad_batch');
    expect(errorOf(() => stack([])).reason).toBe('bad_batch');
    expect(errorOf(() => stack([fp32(2, [1, 2, 3])])).reason).toBe('contents_length_mismatch');
  });

  it('rejects row counts that do not add up', () => {
    const err = errorOf(() => split(fp32(2, [1, 2, 3, 4]), [1, 2]));
    expect(err.reason).toBe('bad_batch');
    expect(err.got).toBe('[1,2]');
    expect(errorOf(() => split(fp32(2, [1, 2, 3, 4]), [3, -1])).reason).toBe('bad_batch');
  });
});
