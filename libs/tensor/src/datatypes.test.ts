import { InvalidArgumentError } from '@maas/errors';
import { CONTENTS_FIELDS, DATATYPE_INFO, DATATYPES, datatypeFromConfig, datatypeFromOnnx, datatypeInfo, isDatatype } from './datatypes';
import { TensorError } from './tensor-error';

describe('datatype table', () => {
  it('has the KServe v2 raw sizes', () => {
    const sizes = Object.fromEntries(DATATYPES.map((d) => [d, DATATYPE_INFO[d].elementSizeBytes]));
    expect(sizes).toEqual({
      BOOL: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8, INT8: 1, INT16: 2, INT32: 4, INT64: 8,
      FP16: 2, FP32: 4, FP64: 8, BYTES: 0,
    });
  });

  it('maps each datatype to its InferTensorContents field as the protocol defines', () => {
    const fields = Object.fromEntries(DATATYPES.map((d) => [d, DATATYPE_INFO[d].contentsField]));
    expect(fields).toEqual({
      BOOL: 'bool_contents', UINT8: 'uint_contents', UINT16: 'uint_contents', UINT32: 'uint_contents',
      UINT64: 'uint64_contents', INT8: 'int_contents', INT16: 'int_contents', INT32: 'int_contents',
      INT64: 'int64_contents', FP16: null, FP32: 'fp32_contents', FP64: 'fp64_contents', BYTES: 'bytes_contents',
    });
    expect(CONTENTS_FIELDS).toHaveLength(8);
  });

  it('maps to and from onnxruntime and model-config names', () => {
    expect(DATATYPES.map((d) => DATATYPE_INFO[d].onnxType)).toEqual([
      'bool', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'string',
    ]);
    for (const d of DATATYPES) {
      expect(datatypeFromOnnx(DATATYPE_INFO[d].onnxType)).toBe(d);
      expect(datatypeFromConfig(DATATYPE_INFO[d].configType)).toBe(d);
    }
    expect(datatypeFromConfig('TYPE_STRING')).toBe('BYTES');
    expect(datatypeFromOnnx('bfloat16')).toBeUndefined();
  });

  it('recognises datatypes case-sensitively and not inherited keys', () => {
    expect(isDatatype('FP32')).toBe(true);
    expect(isDatatype('fp32')).toBe(false);
    expect(isDatatype('toString')).toBe(false);
    expect(isDatatype('BF16')).toBe(false);
  });

  it('throws a TensorError (INVALID_ARGUMENT) naming the tensor for an unknown datatype', () => {
    let caught: unknown;
    try {
      datatypeInfo('pixels', 'FLOAT32');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TensorError);
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    const err = caught as TensorError;
    expect(err.reason).toBe('unknown_datatype');
    expect(err.tensorName).toBe('pixels');
    expect(err.got).toBe('"FLOAT32"');
    expect(err.message).toMatch(/^tensor 'pixels': unknown datatype: expected one of BOOL, .*FP32.*, got "FLOAT32"$/);
    expect(err.details).toMatchObject({ tensor: 'pixels', reason: 'unknown_datatype' });
  });
});
