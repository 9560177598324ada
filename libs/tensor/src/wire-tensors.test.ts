import { decodeInferInputs, decodeInputTensor } from './wire-tensors';
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

describe('decoding request inputs', () => {
  it('decodes raw and typed inputs', () => {
    const raw = Buffer.from(new Float32Array([1, 2]).buffer);
    expect(decodeInputTensor({ name: 'x', datatype: 'FP32', shape: [1, 2] }, raw)).toEqual({
      name: 'x',
      datatype: 'FP32',
      shape: [1, 2],
      data: Float32Array.from([1, 2]),
    });
    expect(decodeInputTensor({ name: 'y', datatype: 'INT32', shape: [1], contents: { int_contents: [7] } }, undefined).data).toEqual(
      Int32Array.from([7]),
    );
  });

  it('rejects both contents and raw for one tensor', () => {
    const err = errorOf(() =>
      decodeInputTensor({ name: 'x', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }, Buffer.alloc(4)),
    );
    expect(err.reason).toBe('contents_and_raw');
    expect(err.tensorName).toBe('x');
  });

  it('rejects an input without data unless it has zero elements', () => {
    expect(errorOf(() => decodeInputTensor({ name: 'x', datatype: 'FP32', shape: [2] }, undefined)).reason).toBe('missing_data');
    expect(decodeInputTensor({ name: 'x', datatype: 'FP32', shape: [0, 2] }, undefined).data).toEqual(new Float32Array(0));
  });

  it('pairs raw_input_contents with inputs in order and checks their count and name uniqueness', () => {
    const inputs = [
      { name: 'a', datatype: 'INT64', shape: [1] },
      { name: 'b', datatype: 'BYTES', shape: [1] },
    ];
    const tensors = decodeInferInputs(inputs, [Buffer.from(new BigInt64Array([9n]).buffer), Buffer.from([1, 0, 0, 0, 0x7a])]);
    expect(tensors.map((t) => t.name)).toEqual(['a', 'b']);
    expect((tensors[1]?.data as Buffer[])[0]?.toString()).toBe('z');
    const count = errorOf(() => decodeInferInputs(inputs, [Buffer.alloc(8)]));
    expect(count.expected).toBe('2 raw_input_contents entries (one per input, in order)');
    expect(count.got).toBe('1');
    expect(errorOf(() => decodeInferInputs([inputs[0]!, inputs[0]!], [Buffer.alloc(8), Buffer.alloc(8)])).message).toContain('duplicate input name');
    const mixed = errorOf(() =>
      decodeInferInputs([{ ...inputs[0]!, contents: { int64_contents: [1] } }, inputs[1]!], [Buffer.alloc(8), Buffer.alloc(4)]),
    );
    expect(mixed.reason).toBe('contents_and_raw');
  });
});
