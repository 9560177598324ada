import { DATATYPE_INFO, datatypeInfo, type Datatype } from './datatypes';
import { TensorError } from './tensor-error';

/** Typed array holding the elements of a fixed-size tensor (BOOL as 0/1 bytes, FP16 as raw IEEE half bits). */
export type NumericArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** Elements of a BYTES tensor: raw byte strings, or JS strings (UTF-8 on the wire). */
export type BytesElements = Buffer[] | string[];

/** Element storage of any tensor. */
export type TensorData = NumericArray | BytesElements;

/**
 * A named tensor in row-major order. `data` is a typed array matching `datatype` (see
 * `typedArrayFor`) or, for BYTES, one entry per element. Decoders return views over the wire buffer
 * where they can: treat `data` as read-only unless you made it.
 */
export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

/** A constructor of one of the NumericArray types. */
export interface NumericArrayConstructor {
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
  new (length: number): NumericArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
}

/** The typed array class that carries each fixed-size datatype. */
export const TYPED_ARRAY_FOR: Readonly<Record<Exclude<Datatype, 'BYTES'>, NumericArrayConstructor>> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
} as Readonly<Record<Exclude<Datatype, 'BYTES'>, NumericArrayConstructor>>;

/** True if the tensor data is a BYTES element list rather than a typed array. */
export function isBytesData(data: TensorData): data is BytesElements {
  return Array.isArray(data);
}

/** Writes a shape the way error messages and logs show it: `[2,3,-1]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Checks that every dimension is a non-negative safe integer and returns the shape as numbers.
 * Throws TensorError (bad_shape) naming the tensor and the offending dimension.
 */
export function validateShape(tensorName: string, shape: readonly unknown[]): number[] {
  const dims: number[] = [];
  // Indexed loops (not entries()/every()): these run per tensor on the request path.
  for (let i = 0; i < shape.length; i++) {
    const dim = shape[i];
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new TensorError('bad_shape', `bad shape dimension ${i}`, {
        tensorName,
        expected: 'non-negative integer dimensions',
        got: `${JSON.stringify(dim) ?? String(dim)} in ${JSON.stringify(shape)}`,
      });
    }
    dims.push(dim);
  }
  return dims;
}

/** Number of elements of a (validated) shape: the product of its dims; 1 for a scalar `[]`. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** Raw byte size a fixed-size tensor must have (elements × element size); null for BYTES (variable). */
export function expectedByteSize(datatype: Datatype, shape: readonly number[]): number | null {
  const size = DATATYPE_INFO[datatype].elementSizeBytes;
  return size === 0 ? null : elementCount(shape) * size;
}

/**
 * True if `shape` fits `expected`, where -1 in `expected` matches any size of that dimension
 * (model metadata / config convention). Ranks must be equal.
 */
export function shapeMatches(expected: readonly number[], shape: readonly number[]): boolean {
  if (expected.length !== shape.length) return false;
  for (let i = 0; i < expected.length; i++) if (expected[i] !== -1 && expected[i] !== shape[i]) return false;
  return true;
}

/**
 * Checks a tensor built in process (e.g. an ORT output): known datatype, valid shape, data of the
 * datatype's kind, and element count matching the shape. Throws TensorError.
 */
export function validateTensor(tensor: Tensor): void {
  const { name } = tensor;
  datatypeInfo(name, tensor.datatype);
  validateShape(name, tensor.shape);
  const count = elementCount(tensor.shape);
  if (tensor.datatype === 'BYTES') {
    if (!isBytesData(tensor.data)) {
      throw new TensorError('datatype_mismatch', 'data does not match datatype BYTES', {
        tensorName: name,
        expected: 'an array of strings or Buffers',
        got: tensor.data.constructor.name,
      });
    }
  } else {
    const ctor = TYPED_ARRAY_FOR[tensor.datatype];
    if (isBytesData(tensor.data) || !(tensor.data instanceof ctor)) {
      throw new TensorError('datatype_mismatch', `data does not match datatype ${tensor.datatype}`, {
        tensorName: name,
        expected: ctor.name,
        got: isBytesData(tensor.data) ? 'an array' : tensor.data.constructor.name,
      });
    }
  }
  if (tensor.data.length !== count) {
    throw new TensorError('contents_length_mismatch', 'element count does not match shape', {
      tensorName: name,
      expected: `${count} elements for shape ${formatShape(tensor.shape)}`,
      got: `${tensor.data.length} elements`,
    });
  }
}
