import { elementCount, expectedByteSize, formatShape, shapeMatches, validateShape, validateTensor } from './tensor';
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

describe('shapes', () => {
  it('counts elements, with 1 for a scalar and 0 for an empty dim', () => {
    expect(elementCount([2, 3, 4])).toBe(24);
    expect(elementCount([])).toBe(1);
    expect(elementCount([5, 0, 3])).toBe(0);
  });

  it('computes expected byte sizes, null for BYTES', () => {
    expect(expectedByteSize('FP32', [2, 3])).toBe(24);
    expect(expectedByteSize('FP16', [7])).toBe(14);
    expect(expectedByteSize('INT64', [])).toBe(8);
    expect(expectedByteSize('BYTES', [2])).toBeNull();
  });

  it('rejects negative, fractional and non-number dims with the dim index', () => {
    const neg = errorOf(() => validateShape('x', [1, -3]));
    expect(neg.reason).toBe('bad_shape');
    expect(neg.message).toContain('dimension 1');
    expect(neg.got).toContain('-3');
    expect(errorOf(() => validateShape('x', [1.5])).reason).toBe('bad_shape');
    expect(errorOf(() => validateShape('x', ['2'])).reason).toBe('bad_shape');
    expect(validateShape('x', [0, 4])).toEqual([0, 4]);
  });

  it('matches shapes against -1 wildcards with equal rank', () => {
    expect(shapeMatches([-1, 3, 48, -1], [8, 3, 48, 192])).toBe(true);
    expect(shapeMatches([-1, 3], [8, 4])).toBe(false);
    expect(shapeMatches([-1, 3], [8, 3, 1])).toBe(false);
    expect(shapeMatches([], [])).toBe(true);
    expect(formatShape([-1, 3])).toBe('[-1,3]');
  });
});

describe('validateTensor', () => {
  it('accepts matching data and rejects wrong kind or length', () => {
    expect(() => validateTensor({ name: 'a', datatype: 'FP32', shape: [2], data: new Float32Array(2) })).not.toThrow();
    expect(() => validateTensor({ name: 's', datatype: 'BYTES', shape: [1], data: ['x'] })).not.toThrow();
    expect(errorOf(() => validateTensor({ name: 'a', datatype: 'FP32', shape: [2], data: new Float64Array(2) })).reason).toBe('datatype_mismatch');
    expect(errorOf(() => validateTensor({ name: 'a', datatype: 'BYTES', shape: [2], data: new Uint8Array(2) })).reason).toBe('datatype_mismatch');
    expect(errorOf(() => validateTensor({ name: 'a', datatype: 'FP32', shape: [2], data: ['x', 'y'] })).reason).toBe('datatype_mismatch');
    const len = errorOf(() => validateTensor({ name: 'a', datatype: 'INT32', shape: [2, 2], data: new Int32Array(3) }));
    expect(len.reason).toBe('contents_length_mismatch');
    expect(len.expected).toBe('4 elements for shape [2,2]');
    expect(len.got).toBe('3 elements');
  });
});
