import { CONTENTS_FIELDS, DATATYPE_INFO, datatypeInfo, type ContentsField, type Datatype } from './datatypes';
import { float16BitsToNumber, numberToFloat16Bits } from './float16';
import { TensorError } from './tensor-error';
import {
  elementCount,
  formatShape,
  isBytesData,
  TYPED_ARRAY_FOR,
  validateShape,
  type BytesElements,
  type NumericArray,
  type Tensor,
  type TensorData,
} from './tensor';

/**
 * The typed `contents` of a tensor (InferTensorContents), structurally compatible with the generated
 * protobuf types (64-bit values arrive as numbers with the shared loader options; strings are accepted
 * too and are what `dataToContents` emits for 64-bit values beyond 2^53).
 */
export interface TensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: (number | string)[];
  uint_contents?: number[];
  uint64_contents?: (number | string)[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

/** A JSON-friendly element value (HTTP/REST `data`). */
export type ElementValue = number | boolean | string;

function badValue(tensorName: string, datatype: Datatype, index: number, expected: string, value: unknown): TensorError {
  return new TensorError('bad_value', `bad ${datatype} element at index ${index}`, {
    tensorName,
    expected,
    got: typeof value === 'string' ? JSON.stringify(value) : `${String(value)} (${typeof value})`,
  });
}

function toBigInt(tensorName: string, datatype: Datatype, index: number, value: unknown, min: bigint, max: bigint): bigint {
  let big: bigint | undefined;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) big = BigInt(value);
  if (big === undefined || big < min || big > max) {
    throw badValue(tensorName, datatype, index, `an integer in [${min}, ${max}]`, value);
  }
  return big;
}

/**
 * Builds typed tensor data from a flat list of element values (typed contents or HTTP JSON `data`),
 * checking each value: booleans for BOOL, integers in range for integer types (64-bit may be given as
 * decimal strings), finite-or-not numbers for FP16/FP32/FP64, strings or byte arrays for BYTES.
 */
export function valuesToData(tensorName: string, datatype: string, values: readonly unknown[]): TensorData {
  const info = datatypeInfo(tensorName, datatype);
  const dt = info.datatype;
  if (dt === 'BYTES') return bytesFromValues(tensorName, values);
  const out = new TYPED_ARRAY_FOR[dt](values.length);
  const range = info.range;
  if (dt === 'BOOL') {
    const bytes = out as Uint8Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'boolean') throw badValue(tensorName, dt, i, 'true or false', v);
      bytes[i] = v ? 1 : 0;
    }
  } else if (range !== null && typeof range[0] === 'bigint') {
    const [min, max] = range as readonly [bigint, bigint];
    const big = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < values.length; i++) big[i] = toBigInt(tensorName, dt, i, values[i], min, max);
  } else if (range !== null) {
    const [min, max] = range as readonly [number, number];
    const ints = out as Exclude<NumericArray, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw badValue(tensorName, dt, i, `an integer in [${min}, ${max}]`, v);
      }
      ints[i] = v;
    }
  } else {
    const floats = out as Float32Array | Float64Array | Uint16Array;
    const half = dt === 'FP16';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') throw badValue(tensorName, dt, i, 'a number', v);
      floats[i] = half ? numberToFloat16Bits(v) : v;
    }
  }
  return out;
}

function bytesFromValues(tensorName: string, values: readonly unknown[]): BytesElements {
  if (values.every((v): v is string => typeof v === 'string')) return [...values];
  return values.map((v, i) => {
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    throw badValue(tensorName, 'BYTES', i, 'a string or bytes', v);
  });
}

/** True if any typed contents field holds at least one element. */
export function hasContents(contents: TensorContents | null | undefined): boolean {
  if (contents === null || contents === undefined) return false;
  return CONTENTS_FIELDS.some((field) => (contents[field]?.length ?? 0) > 0);
}

/**
 * Decodes a tensor's typed `contents` into typed data: the values must sit in the datatype's field
 * (e.g. INT8 in int_contents), their count must match the shape, and each must fit the datatype.
 * FP16 has no typed field and must be sent raw.
 */
export function contentsToData(tensorName: string, datatype: string, shape: readonly unknown[], contents: TensorContents): TensorData {
  const info = datatypeInfo(tensorName, datatype);
  const dims = validateShape(tensorName, shape);
  const count = elementCount(dims);
  const field = info.contentsField;
  const used = CONTENTS_FIELDS.filter((f) => (contents[f]?.length ?? 0) > 0);
  const stray = used.find((f) => f !== field);
  if (field === null || stray !== undefined) {
    throw new TensorError('wrong_contents_field', `contents in the wrong field for datatype ${info.datatype}`, {
      tensorName,
      expected: field === null ? `raw contents (${info.datatype} has no typed contents field)` : `values in ${field}`,
      got: used.length === 0 ? 'no values' : `values in ${used.join(', ')}`,
    });
  }
  const values: readonly unknown[] = contents[field] ?? [];
  if (values.length !== count) {
    throw new TensorError('contents_length_mismatch', `${field} length does not match shape`, {
      tensorName,
      expected: `${count} elements (shape ${formatShape(dims)})`,
      got: `${values.length} elements`,
    });
  }
  return valuesToData(tensorName, info.datatype, values);
}

function bigToWire(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/**
 * Encodes tensor data as typed `contents` (the non-raw form of the protocol). 64-bit values beyond
 * 2^53 come out as decimal strings so protobuf keeps them exact. FP16 has no typed field: throws.
 */
export function dataToContents(tensor: Tensor): TensorContents {
  const info = DATATYPE_INFO[tensor.datatype];
  const field: ContentsField | null = info.contentsField;
  const { data } = tensor;
  if (field === null) {
    throw new TensorError('wrong_contents_field', `${tensor.datatype} cannot be sent as typed contents`, {
      tensorName: tensor.name,
      expected: 'raw contents',
      got: 'a request for typed contents',
    });
  }
  if (isBytesData(data)) {
    return { bytes_contents: (data as ReadonlyArray<string | Buffer>).map((e) => (typeof e === 'string' ? Buffer.from(e, 'utf8') : e)) };
  }
  if (tensor.datatype === 'BOOL') return { bool_contents: Array.from(data as Uint8Array, (v) => v !== 0) };
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return { [field]: Array.from(data, bigToWire) };
  }
  return { [field]: Array.from(data) };
}

/**
 * Element values of tensor data as JSON-friendly values (HTTP/REST `data`): booleans for BOOL,
 * numbers for numeric types (FP16 decoded; 64-bit values beyond 2^53 lose precision), UTF-8 strings
 * for BYTES.
 */
export function dataToValues(datatype: Datatype, data: TensorData): ElementValue[] {
  if (isBytesData(data)) return (data as ReadonlyArray<string | Buffer>).map((e) => (typeof e === 'string' ? e : e.toString('utf8')));
  if (datatype === 'BOOL') return Array.from(data as Uint8Array, (v) => v !== 0);
  if (datatype === 'FP16') return Array.from(data as Uint16Array, float16BitsToNumber);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, (v) => Number(v));
  return Array.from(data as Exclude<NumericArray, BigInt64Array | BigUint64Array>);
}
