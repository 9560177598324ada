import { TensorError } from './tensor-error';
import {
  elementCount,
  formatShape,
  isBytesData,
  TYPED_ARRAY_FOR,
  type NumericArrayConstructor,
  validateTensor,
  type BytesElements,
  type NumericArray,
  type Tensor,
  type TensorData,
} from './tensor';

/** A batch built by `stack`: the batched tensor and how many rows each part contributed, in order. */
export interface StackedTensor {
  tensor: Tensor;
  rowCounts: number[];
}

function trailing(shape: readonly number[]): number[] {
  return shape.slice(1);
}

function concatBytes(parts: readonly BytesElements[]): BytesElements {
  if (parts.every((p): p is string[] => p.every((e) => typeof e === 'string'))) return parts.flat();
  return parts.flatMap((p) => (p as ReadonlyArray<string | Buffer>).map((e) => (typeof e === 'string' ? Buffer.from(e, 'utf8') : e)));
}

/**
 * Where `stack` puts a numeric batch: an array of `ctor`'s type holding exactly `length` elements (whose
 * contents are overwritten), e.g. a view of a reused buffer. Without one, a new array is allocated.
 */
export type BatchAllocator = (ctor: NumericArrayConstructor, length: number) => NumericArray;

/**
 * Stacks tensors along dimension 0 (dynamic batching): all must share name, datatype and the dims
 * after the first. Returns the batched tensor and each part's row count (its dim 0) for `split`.
 * One part is returned as is, without copying.
 */
export function stack(tensors: readonly Tensor[], allocate?: BatchAllocator): StackedTensor {
  const first = tensors[0];
  if (first === undefined) {
    throw new TensorError('bad_batch', 'nothing to stack', { tensorName: '(none)', expected: 'at least one tensor', got: 'none' });
  }
  const rest = trailing(first.shape);
  for (const t of tensors) {
    validateTensor(t);
    if (t.shape.length === 0) {
      throw new TensorError('bad_shape', 'cannot batch a scalar', { tensorName: t.name, expected: 'rank >= 1 (dim 0 is the batch)', got: '[]' });
    }
    if (t.name !== first.name) {
      throw new TensorError('bad_batch', 'tensors with different names in one batch', { tensorName: first.name, expected: `'${first.name}'`, got: `'${t.name}'` });
    }
    if (t.datatype !== first.datatype) {
      throw new TensorError('datatype_mismatch', 'datatype differs within the batch', { tensorName: t.name, expected: first.datatype, got: t.datatype });
    }
    const tail = trailing(t.shape);
    if (tail.length !== rest.length || tail.some((d, i) => d !== rest[i])) {
      throw new TensorError('shape_mismatch', 'non-batch dims differ within the batch', {
        tensorName: t.name,
        expected: formatShape([-1, ...rest]),
        got: formatShape(t.shape),
      });
    }
  }
  const rowCounts = tensors.map((t) => t.shape[0] ?? 0);
  if (tensors.length === 1) return { tensor: first, rowCounts };
  const rows = rowCounts.reduce((a, b) => a + b, 0);
  const shape = [rows, ...rest];
  let data: TensorData;
  if (first.datatype === 'BYTES') {
    data = concatBytes(tensors.map((t) => t.data as BytesElements));
  } else {
    const ctor = TYPED_ARRAY_FOR[first.datatype];
    const length = elementCount(shape);
    const out = allocate ? allocate(ctor, length) : new ctor(length);
    if (out.length !== length || !(out instanceof ctor)) throw new Error(`batch allocator gave ${out.constructor.name}[${out.length}] for ${ctor.name}[${length}]`);
    // Same datatype was checked above, so every part has out's array type.
    const target = out as unknown as { set(source: NumericArray, offset: number): void };
    let offset = 0;
    for (const t of tensors) {
      const part = t.data as NumericArray;
      target.set(part, offset);
      offset += part.length;
    }
    data = out;
  }
  return { tensor: { name: first.name, datatype: first.datatype, shape, data }, rowCounts };
}

/**
 * Splits a batched tensor along dimension 0 into parts of `rowCounts` rows (the inverse of `stack`,
 * used to scatter batch outputs back to requests). Typed parts are views of the batch (no copy).
 */
export function split(tensor: Tensor, rowCounts: readonly number[]): Tensor[] {
  validateTensor(tensor);
  const batchRows = tensor.shape[0];
  const total = rowCounts.reduce((a, b) => a + b, 0);
  if (batchRows === undefined || rowCounts.some((r) => !Number.isSafeInteger(r) || r < 0) || total !== batchRows) {
    throw new TensorError('bad_batch', 'row counts do not add up to the batch', {
      tensorName: tensor.name,
      expected: `non-negative row counts summing to dim 0 of ${formatShape(tensor.shape)}`,
      got: `[${rowCounts.join(',')}]`,
    });
  }
  const rest = trailing(tensor.shape);
  const rowSize = elementCount(rest);
  const parts: Tensor[] = [];
  let row = 0;
  for (const rows of rowCounts) {
    const start = row * rowSize;
    const end = (row + rows) * rowSize;
    const data: TensorData = isBytesData(tensor.data)
      ? (tensor.data.slice(start, end) as BytesElements)
      : tensor.data.subarray(start, end);
    parts.push({ name: tensor.name, datatype: tensor.datatype, shape: [rows, ...rest], data });
    row += rows;
  }
  return parts;
}
