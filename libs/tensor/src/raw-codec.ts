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
 * Splits Triton's BYTES framing (each element: uint32 little-endian length, then that many bytes) into
 * Buffers that view `raw` (no copy). Throws TensorError on broken framing, and on an element count
 * other than `expectedCount` when one is given.
 */
export function decodeBytesElements(tensorName: string, raw: Uint8Array, expectedCount?: number): Buffer[] {
  const elements: Buffer[] = [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let offset = 0;
  while (offset < raw.byteLength) {
    if (raw.byteLength - offset < BYTES_LENGTH_PREFIX_BYTES) {
      throw new TensorError('bad_bytes_framing', `truncated BYTES length prefix of element ${elements.length}`, {
        tensorName,
        expected: `${BYTES_LENGTH_PREFIX_BYTES}-byte little-endian length before each element`,
        got: `${raw.byteLength - offset} trailing bytes at offset ${offset}`,
      });
    }
    const length = view.getUint32(offset, true);
    offset += BYTES_LENGTH_PREFIX_BYTES;
    if (length > raw.byteLength - offset) {
      throw new TensorError('bad_bytes_framing', `BYTES element ${elements.length} overruns the data`, {
        tensorName,
        expected: `at most ${raw.byteLength - offset} bytes left`,
        got: `length prefix ${length} at offset ${offset - BYTES_LENGTH_PREFIX_BYTES}`,
      });
    }
    elements.push(Buffer.from(raw.buffer, raw.byteOffset + offset, length));
    offset += length;
  }
  if (expectedCount !== undefined && elements.length !== expectedCount) {
    throw new TensorError('byte_size_mismatch', 'BYTES element count does not match shape', {
      tensorName,
      expected: `${expectedCount} length-prefixed elements`,
      got: `${elements.length} elements in ${raw.byteLength} bytes`,
    });
  }
  return elements;
}

/** Frames BYTES elements the Triton way (uint32 little-endian length before each); strings as UTF-8. */
export function encodeBytesElements(elements: ReadonlyArray<string | Uint8Array>): Buffer {
  const buffers = elements.map((e) => (typeof e === 'string' ? Buffer.from(e, 'utf8') : e));
  let total = 0;
  for (const b of buffers) total += BYTES_LENGTH_PREFIX_BYTES + b.byteLength;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const b of buffers) {
    out.writeUInt32LE(b.byteLength, offset);
    offset += BYTES_LENGTH_PREFIX_BYTES;
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out;
}

/**
 * Decodes the raw bytes of one tensor (a `raw_input_contents` entry, or a binary HTTP section) into its
 * typed data. Validates the datatype, the shape and the byte size (elements × element size; for
 * BYTES, the framed element count). The result views `raw` where alignment allows.
 */
export function decodeRaw(tensorName: string, datatype: string, shape: readonly unknown[], raw: Uint8Array): TensorData {
  const checked = checkRaw(tensorName, datatype, shape, raw);
  if (checked.elements) return checked.elements;
  return viewAs(TYPED_ARRAY_FOR[checked.datatype as Exclude<Datatype, 'BYTES'>], raw, checked.count);
}

/**
 * The checks of decodeRaw (datatype, shape, byte size, BYTES framing) without building typed arrays, for
 * callers that pass the bytes on unchanged (the gateway forwards them to the queue). Returns the datatype,
 * the validated shape, the element count, and for BYTES the elements (views of `raw`).
 */
export function checkRaw(tensorName: string, datatype: string, shape: readonly unknown[], raw: Uint8Array): { datatype: Datatype; shape: number[]; count: number; elements?: Buffer[] } {
  datatypeInfo(tensorName, datatype);
  const dims = validateShape(tensorName, shape);
  const count = elementCount(dims);
  const dt = datatype as Datatype;
  if (dt === 'BYTES') return { datatype: dt, shape: dims, count, elements: decodeBytesElements(tensorName, raw, count) };
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

