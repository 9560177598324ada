import { datatypeInfo, type Datatype } from './datatypes';
import { TensorError } from './tensor-error';
import {
  elementCount,
  formatShape,
  isBytesData,
  TYPED_ARRAY_FOR,
  validateShape,
  type NumericArray,
  type NumericArrayConstructor,
  type TensorData,
} from './tensor';

// Raw tensor bytes are little-endian (Triton / KServe convention). Typed arrays use the host's byte
// order, so viewing without swapping is only right on little-endian hosts (x86-64, arm64 Linux).
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
if (!HOST_IS_LITTLE_ENDIAN) throw new Error('@maas/tensor requires a little-endian host');

/** Bytes of the length prefix in front of each BYTES element (uint32, little-endian). */
export const BYTES_LENGTH_PREFIX_BYTES = 4;

/**
 * Views `raw` as a typed array without copying when its offset is aligned to the element size; copies
 * into fresh memory otherwise (gRPC and HTTP buffers are often slices at odd offsets).
 */
export function viewAs(ctor: NumericArrayConstructor, raw: Uint8Array, length: number): NumericArray {
  if (raw.byteOffset % ctor.BYTES_PER_ELEMENT === 0) return new ctor(raw.buffer, raw.byteOffset, length);
  const copy = new Uint8Array(length * ctor.BYTES_PER_ELEMENT);
  copy.set(raw.subarray(0, copy.byteLength));
  return new ctor(copy.buffer, 0, length);
}

/**
 * Walks Triton's BYTES framing (each element: uint32 little-endian length, then that many bytes), calling
 * `element` with each element's offset and length, and returns the element count. Throws TensorError on
 * broken framing, and on a count other than `expectedCount` when one is given. Allocates nothing itself.
 */
function walkBytesFraming(tensorName: string, raw: Uint8Array, expectedCount: number | undefined, element?: (offset: number, length: number) => void): number {
  let count = 0;
  let offset = 0;
  while (offset < raw.byteLength) {
    if (raw.byteLength - offset < BYTES_LENGTH_PREFIX_BYTES) {
      throw new TensorError('bad_bytes_framing', `truncated BYTES length prefix of element ${count}`, {
        tensorName,
        expected: `${BYTES_LENGTH_PREFIX_BYTES}-byte little-endian length before each element`,
        got: `${raw.byteLength - offset} trailing bytes at offset ${offset}`,
      });
    }
    const length = (raw[offset]! | (raw[offset + 1]! << 8) | (raw[offset + 2]! << 16) | (raw[offset + 3]! << 24)) >>> 0;
    offset += BYTES_LENGTH_PREFIX_BYTES;
    if (length > raw.byteLength - offset) {
      throw new TensorError('bad_bytes_framing', `BYTES element ${count} overruns the data`, {
        tensorName,
        expected: `at most ${raw.byteLength - offset} bytes left`,
        got: `length prefix ${length} at offset ${offset - BYTES_LENGTH_PREFIX_BYTES}`,
      });
    }
    element?.(offset, length);
    offset += length;
    count++;
  }
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new TensorError('byte_size_mismatch', 'BYTES element count does not match shape', {
      tensorName,
      expected: `${expectedCount} length-prefixed elements`,
      got: `${count} elements in ${raw.byteLength} bytes`,
    });
  }
  return count;
}

/**
 * Splits Triton's BYTES framing (each element: uint32 little-endian length, then that many bytes) into
 * Buffers that view `raw` (no copy). Throws TensorError on broken framing, and on an element count
 * other than `expectedCount` when one is given.
 */
export function decodeBytesElements(tensorName: string, raw: Uint8Array, expectedCount?: number): Buffer[] {
  const elements: Buffer[] = [];
  walkBytesFraming(tensorName, raw, expectedCount, (offset, length) => elements.push(Buffer.from(raw.buffer, raw.byteOffset + offset, length)));
  return elements;
}

/**
 * The checks of decodeBytesElements (framing, and the count when `expectedCount` is given) without
 * building the element views: for callers that pass the bytes on unchanged. Returns the element count.
 */
export function countBytesElements(tensorName: string, raw: Uint8Array, expectedCount?: number): number {
  return walkBytesFraming(tensorName, raw, expectedCount);
}

/**
 * Frames BYTES elements the Triton way (uint32 little-endian length before each); strings as UTF-8,
 * written straight into the one output buffer.
 */
export function encodeBytesElements(elements: ReadonlyArray<string | Uint8Array>): Buffer {
  let total = 0;
  for (const e of elements) total += BYTES_LENGTH_PREFIX_BYTES + (typeof e === 'string' ? Buffer.byteLength(e, 'utf8') : e.byteLength);
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const e of elements) {
    const length = typeof e === 'string' ? Buffer.byteLength(e, 'utf8') : e.byteLength;
    out.writeUInt32LE(length, offset);
    offset += BYTES_LENGTH_PREFIX_BYTES;
    if (typeof e === 'string') out.write(e, offset, length, 'utf8');
    else out.set(e, offset);
    offset += length;
  }
  return out;
}

/**
 * Decodes the raw bytes of one tensor (a `raw_input_contents` entry, or a binary HTTP section) into its
 * typed data. Validates the datatype, the shape and the byte size (elements × element size; for
 * BYTES, the framed element count). The result views `raw` where alignment allows.
 */
export function decodeRaw(tensorName: string, datatype: string, shape: readonly unknown[], raw: Uint8Array): TensorData {
  if (datatypeInfo(tensorName, datatype).datatype === 'BYTES') return decodeBytesElements(tensorName, raw, elementCount(validateShape(tensorName, shape)));
  const checked = checkRaw(tensorName, datatype, shape, raw);
  return viewAs(TYPED_ARRAY_FOR[checked.datatype as Exclude<Datatype, 'BYTES'>], raw, checked.count);
}

/**
 * The checks of decodeRaw (datatype, shape, byte size, BYTES framing) without building typed arrays, for
 * callers that pass the bytes on unchanged (the gateway forwards them to the queue). Returns the datatype,
 * the validated shape and the element count; allocates no copy and, for BYTES, no element views.
 */
export function checkRaw(tensorName: string, datatype: string, shape: readonly unknown[], raw: Uint8Array): { datatype: Datatype; shape: number[]; count: number } {
  datatypeInfo(tensorName, datatype);
  const dims = validateShape(tensorName, shape);
  const count = elementCount(dims);
  const dt = datatype as Datatype;
  if (dt === 'BYTES') {
    countBytesElements(tensorName, raw, count);
    return { datatype: dt, shape: dims, count };
  }
  const ctor = TYPED_ARRAY_FOR[dt];
  const expectedBytes = count * ctor.BYTES_PER_ELEMENT;
  if (raw.byteLength !== expectedBytes) {
    throw new TensorError('byte_size_mismatch', 'raw data size does not match shape and datatype', {
      tensorName,
      expected: `${expectedBytes} bytes (shape ${formatShape(dims)} = ${count} elements × ${ctor.BYTES_PER_ELEMENT} bytes ${dt})`,
      got: `${raw.byteLength} bytes`,
    });
  }
  return { datatype: dt, shape: dims, count };
}

/**
 * Encodes tensor data as raw little-endian bytes. Typed arrays come back as a Buffer over the same
 * memory (no copy); BYTES elements are framed with their lengths.
 */
export function encodeRaw(data: TensorData): Buffer {
  if (isBytesData(data)) return encodeBytesElements(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

