import { contentsToData, dataToContents, dataToValues, hasContents, valuesToData } from './contents-codec';
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

describe('typed contents -> data', () => {
  it('decodes each datatype from its field into the matching typed array', () => {
    expect(contentsToData('b', 'BOOL', [3], { bool_contents: [true, false, true] })).toEqual(Uint8Array.from([1, 0, 1]));
    expect(contentsToData('i', 'INT8', [2], { int_contents: [-128, 127] })).toEqual(Int8Array.from([-128, 127]));
    expect(contentsToData('u', 'UINT16', [1], { uint_contents: [65535] })).toEqual(Uint16Array.from([65535]));
    expect(contentsToData('f', 'FP32', [2], { fp32_contents: [0.5, -1] })).toEqual(Float32Array.from([0.5, -1]));
    expect(contentsToData('d', 'FP64', [1], { fp64_contents: [Math.E] })).toEqual(Float64Array.from([Math.E]));
    expect(contentsToData('l', 'INT64', [2], { int64_contents: [-5, '9007199254740993'] })).toEqual(
      BigInt64Array.from([-5n, 9007199254740993n]),
    );
    expect(contentsToData('ul', 'UINT64', [1], { uint64_contents: ['18446744073709551615'] })).toEqual(
      BigUint64Array.from([18446744073709551615n]),
    );
    const bytes = contentsToData('s', 'BYTES', [2], { bytes_contents: [Buffer.from('a'), new Uint8Array([0xce, 0xb2])] }) as Buffer[];
    expect(bytes.map((b) => b.toString('utf8'))).toEqual(['a', 'β']);
  });

  it('rejects a contents length that does not match the shape', () => {
    const err = errorOf(() => contentsToData('x', 'FP32', [2, 3], { fp32_contents: [1, 2, 3] }));
    expect(err.reason).toBe('contents_length_mismatch');
    expect(err.expected).toBe('6 elements (shape [2,3])');
    expect(err.got).toBe('3 elements');
  });

  it('rejects values in a field that does not belong to the datatype', () => {
    const err = errorOf(() => contentsToData('x', 'FP32', [2], { int_contents: [1, 2] }));
    expect(err.reason).toBe('wrong_contents_field');
    expect(err.expected).toBe('values in fp32_contents');
    expect(err.got).toBe('values in int_contents');
    expect(errorOf(() => contentsToData('x', 'FP32', [1], { fp32_contents: [1], fp64_contents: [1] })).got).toBe(
      'values in fp32_contents, fp64_contents',
    );
  });

  it('says FP16 must travel raw', () => {
    const err = errorOf(() => contentsToData('h', 'FP16', [1], { fp32_contents: [1] }));
    expect(err.reason).toBe('wrong_contents_field');
    expect(err.expected).toContain('raw contents');
  });

  it('range-checks integers and reports the element index', () => {
    const err = errorOf(() => contentsToData('x', 'INT8', [3], { int_contents: [1, 2, 300] }));
    expect(err.reason).toBe('bad_value');
    expect(err.message).toContain('index 2');
    expect(err.expected).toBe('an integer in [-128, 127]');
    expect(errorOf(() => contentsToData('x', 'UINT8', [1], { uint_contents: [-1] })).reason).toBe('bad_value');
    expect(errorOf(() => contentsToData('x', 'UINT64', [1], { uint64_contents: [-1] })).reason).toBe('bad_value');
    expect(errorOf(() => contentsToData('x', 'INT64', [1], { int64_contents: ['1e3'] })).reason).toBe('bad_value');
  });
});

describe('values -> data (HTTP JSON elements)', () => {
  it('checks value types per datatype', () => {
    expect(errorOf(() => valuesToData('x', 'BOOL', [1])).expected).toBe('true or false');
    expect(errorOf(() => valuesToData('x', 'FP32', ['1.0'])).expected).toBe('a number');
    expect(errorOf(() => valuesToData('x', 'INT32', [1.5])).reason).toBe('bad_value');
    expect(errorOf(() => valuesToData('x', 'BYTES', [{}])).expected).toBe('a string or bytes');
  });

  it('keeps all-string BYTES as strings and converts FP16 numbers to half bits', () => {
    expect(valuesToData('s', 'BYTES', ['a', 'b'])).toEqual(['a', 'b']);
    expect(valuesToData('h', 'FP16', [1, -2])).toEqual(Uint16Array.from([0x3c00, 0xc000]));
  });
});

describe('data -> typed contents and JSON values', () => {
  it('round-trips through dataToContents/contentsToData', () => {
    const cases = [
      { name: 'b', datatype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) },
      { name: 'i', datatype: 'INT16', shape: [2], data: Int16Array.from([-3, 4]) },
      { name: 'u', datatype: 'UINT32', shape: [1], data: Uint32Array.from([4294967295]) },
      { name: 'l', datatype: 'INT64', shape: [2], data: BigInt64Array.from([7n, -(2n ** 60n)]) },
      { name: 'f', datatype: 'FP32', shape: [1], data: Float32Array.from([0.25]) },
      { name: 's', datatype: 'BYTES', shape: [2], data: ['x', 'yz'] },
    ] as const;
    for (const t of cases) {
      const contents = dataToContents({ ...t, shape: [...t.shape], data: t.data as never });
      const back = contentsToData(t.name, t.datatype, t.shape, contents);
      if (t.datatype === 'BYTES') expect((back as Buffer[]).map(String)).toEqual(t.data);
      else expect(back).toEqual(t.data);
    }
  });

  it('emits 64-bit values beyond 2^53 as decimal strings and safe ones as numbers', () => {
    expect(dataToContents({ name: 'l', datatype: 'INT64', shape: [2], data: BigInt64Array.from([2n ** 60n, 5n]) })).toEqual({
      int64_contents: ['1152921504606846976', 5],
    });
  });

  it('refuses typed contents for FP16', () => {
    expect(errorOf(() => dataToContents({ name: 'h', datatype: 'FP16', shape: [1], data: new Uint16Array(1) })).reason).toBe(
      'wrong_contents_field',
    );
  });

  it('gives JSON-friendly values', () => {
    expect(dataToValues('BOOL', Uint8Array.from([1, 0]))).toEqual([true, false]);
    expect(dataToValues('FP16', Uint16Array.from([0x3800]))).toEqual([0.5]);
    expect(dataToValues('INT64', BigInt64Array.from([-2n]))).toEqual([-2]);
    expect(dataToValues('BYTES', [Buffer.from('é'), Buffer.from('x')])).toEqual(['é', 'x']);
    expect(dataToValues('FP32', Float32Array.from([1.5]))).toEqual([1.5]);
  });

  it('detects whether any contents field is filled', () => {
    expect(hasContents(undefined)).toBe(false);
    expect(hasContents({ fp32_contents: [] })).toBe(false);
    expect(hasContents({ bytes_contents: [Buffer.alloc(0)] })).toBe(true);
  });
});
