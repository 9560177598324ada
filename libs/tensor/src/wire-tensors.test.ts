import { decodeInferInputs, decodeInputTensor, inferInputsAsRaw } from './wire-tensors';
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
    // past the pairwise limit too, wherever the repeat is
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `in${i}`, datatype: 'FP32', shape: [1] }));
    expect(() => inferInputsAsRaw(many, many.map(() => Buffer.alloc(4)))).not.toThrow();
    for (const at of [1, 15, 16, 39]) {
      const dup = many.map((t, i) => (i === at ? { ...t, name: 'in0' } : t));
      expect(errorOf(() => inferInputsAsRaw(dup, dup.map(() => Buffer.alloc(4)))).message).toContain('duplicate input name');
      expect(errorOf(() => inferInputsAsRaw(dup.slice(0, at + 1), dup.slice(0, at + 1).map(() => Buffer.alloc(4)))).tensorName).toBe('in0');
    }
    const mixed = errorOf(() =>
      decodeInferInputs([{ ...inputs[0]!, contents: { int64_contents: [1] } }, inputs[1]!], [Buffer.alloc(8), Buffer.alloc(4)]),
    );
    expect(mixed.reason).toBe('contents_and_raw');
  });

  it('inferInputsAsRaw checks like decodeInferInputs but forwards raw bytes as they came (no copy, even misaligned)', () => {
    const message = Buffer.alloc(1 + 8);
    message.set(new Uint8Array(new Float32Array([1.5, -2]).buffer), 1);
    const misaligned = message.subarray(1); // offset 1: decodeInferInputs would copy to align the floats
    const [x] = inferInputsAsRaw([{ name: 'x', datatype: 'FP32', shape: [1, 2] }], [misaligned]);
    expect(x).toMatchObject({ name: 'x', datatype: 'FP32', shape: [1, 2] });
    expect(x!.data.buffer).toBe(message.buffer);
    expect(x!.data.byteOffset).toBe(1);
    expect(x!.data).toBe(misaligned); // a Buffer is passed on as itself, not wrapped in a new view
    const fromView = inferInputsAsRaw([{ name: 'x', datatype: 'FP32', shape: [1, 2] }], [new Uint8Array(message.buffer, message.byteOffset + 1, 8)]);
    expect(Buffer.isBuffer(fromView[0]!.data) && fromView[0]!.data.buffer === message.buffer).toBe(true);
    expect(Array.from(decodeInferInputs([{ name: 'x', datatype: 'FP32', shape: [1, 2] }], [misaligned])[0]!.data as Float32Array)).toEqual([1.5, -2]);
    // typed contents become raw little-endian bytes once
    const [typed] = inferInputsAsRaw([{ name: 'y', datatype: 'INT32', shape: [2], contents: { int_contents: [7, -1] } }], []);
    expect(Array.from(new Int32Array(typed!.data.buffer, typed!.data.byteOffset, 2))).toEqual([7, -1]);
    // the same refusals
    expect(errorOf(() => inferInputsAsRaw([{ name: 'x', datatype: 'FP32', shape: [1, 3] }], [misaligned])).reason).toBe('byte_size_mismatch');
    expect(errorOf(() => inferInputsAsRaw([{ name: 'b', datatype: 'BYTES', shape: [1] }], [Buffer.from([9, 0, 0, 0, 1])])).reason).toBeDefined();
    expect(errorOf(() => inferInputsAsRaw([{ name: 'x', datatype: 'FP99', shape: [1] }], [Buffer.alloc(4)])).message).toMatch(/datatype/i);
    expect(errorOf(() => inferInputsAsRaw([{ name: 'x', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }], [Buffer.alloc(4)])).reason).toBe('contents_and_raw');
  });
});
