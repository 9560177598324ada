import { checkRaw, countBytesElements, decodeBytesElements, decodeRaw, encodeBytesElements, encodeRaw, viewAs } from './raw-codec';
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

describe('raw codec: fixed-size datatypes', () => {
  it('decodes little-endian FP32 as a view over the same memory when aligned', () => {
    const backing = Buffer.alloc(16 + 8);
    const raw = backing.subarray(8, 24);
    raw.writeFloatLE(1.5, 0);
    raw.writeFloatLE(-2, 4);
    raw.writeFloatLE(3.25, 8);
    raw.writeFloatLE(0, 12);
    const data = decodeRaw('x', 'FP32', [2, 2], raw);
    expect(data).toBeInstanceOf(Float32Array);
    expect(Array.from(data as Float32Array)).toEqual([1.5, -2, 3.25, 0]);
    raw.writeFloatLE(9, 12);
    expect((data as Float32Array)[3]).toBe(9); // a view, not a copy
  });

  it('copies when the buffer offset is not aligned to the element size', () => {
    const backing = Buffer.alloc(1 + 8);
    const raw = backing.subarray(1);
    raw.writeInt32LE(-7, 0);
    raw.writeInt32LE(42, 4);
    const data = decodeRaw('x', 'INT32', [2], raw) as Int32Array;
    expect(Array.from(data)).toEqual([-7, 42]);
    raw.writeInt32LE(0, 0);
    expect(data[0]).toBe(-7); // copied
    expect(viewAs(Uint8Array, raw, 8).buffer).toBe(backing.buffer); // bytes never need a copy
  });

  it.each([
    ['BOOL', [1, 0, 1], Uint8Array],
    ['UINT8', [0, 255], Uint8Array],
    ['UINT16', [0, 65535], Uint16Array],
    ['UINT32', [0, 4294967295], Uint32Array],
    ['INT8', [-128, 127], Int8Array],
    ['INT16', [-32768, 32767], Int16Array],
    ['INT32', [-2147483648, 2147483647], Int32Array],
    ['FP16', [0x3c00, 0xc000], Uint16Array],
    ['FP64', [Math.PI, -1e300], Float64Array],
  ] as const)('round-trips %s through encodeRaw/decodeRaw', (datatype, values, ctor) => {
    const original = ctor.from(values as readonly number[]);
    const raw = encodeRaw(original);
    expect(raw.byteLength).toBe(original.byteLength);
    const back = decodeRaw('t', datatype, [values.length], raw);
    expect(back).toBeInstanceOf(ctor);
    expect(Array.from(back as ArrayLike<number>)).toEqual(values);
  });

  it('round-trips 64-bit integers exactly as bigint arrays', () => {
    const big = BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n, -1n]);
    const back = decodeRaw('ids', 'INT64', [3], encodeRaw(big)) as BigInt64Array;
    expect(back).toBeInstanceOf(BigInt64Array);
    expect(Array.from(back)).toEqual([-(2n ** 63n), 2n ** 53n + 1n, -1n]);
    const ubig = BigUint64Array.from([2n ** 64n - 1n]);
    expect(Array.from(decodeRaw('u', 'UINT64', [1], encodeRaw(ubig)) as BigUint64Array)).toEqual([2n ** 64n - 1n]);
  });

  it('reads little-endian bytes regardless of how they were produced', () => {
    const raw = Buffer.from([0x01, 0x02, 0x00, 0x00]);
    expect(Array.from(decodeRaw('x', 'UINT32', [1], raw) as Uint32Array)).toEqual([0x0201]);
  });

  it('encodeRaw returns a Buffer over the typed array memory (no copy)', () => {
    const data = new Float32Array([1, 2, 3]).subarray(1);
    const raw = encodeRaw(data);
    expect(raw.buffer).toBe(data.buffer);
    expect(raw.byteOffset).toBe(4);
    expect(raw.byteLength).toBe(8);
  });

  it('names the tensor, the expected and the actual byte size on a mismatch', () => {
    const err = errorOf(() => decodeRaw('image', 'FP32', [1, 3, 2, 2], Buffer.alloc(40)));
    expect(err.reason).toBe('byte_size_mismatch');
    expect(err.tensorName).toBe('image');
    expect(err.expected).toBe('48 bytes (shape [1,3,2,2] = 12 elements × 4 bytes FP32)');
    expect(err.got).toBe('40 bytes');
    expect(err.message).toContain("tensor 'image'");
  });

  it('rejects unknown datatypes and negative dims before looking at the bytes', () => {
    expect(errorOf(() => decodeRaw('x', 'FLOAT', [1], Buffer.alloc(4))).reason).toBe('unknown_datatype');
    expect(errorOf(() => decodeRaw('x', 'FP32', [-1], Buffer.alloc(4))).reason).toBe('bad_shape');
  });

  it('accepts empty tensors', () => {
    expect((decodeRaw('x', 'FP32', [0, 3], Buffer.alloc(0)) as Float32Array).length).toBe(0);
  });
});

describe('raw codec: BYTES framing (uint32 LE length + bytes per element)', () => {
  it('frames strings and buffers with 4-byte little-endian lengths', () => {
    const raw = encodeBytesElements(['hi', '']);
    expect([...raw]).toEqual([2, 0, 0, 0, 0x68, 0x69, 0, 0, 0, 0]);
    const utf8 = encodeBytesElements([Buffer.from([0xff]), 'é']);
    expect([...utf8]).toEqual([1, 0, 0, 0, 0xff, 2, 0, 0, 0, 0xc3, 0xa9]);
  });

  it('decodes to Buffers viewing the input and checks the element count against the shape', () => {
    const raw = encodeBytesElements(['alpha', 'β', '']);
    const data = decodeRaw('text', 'BYTES', [3], raw) as Buffer[];
    expect(data.map((b) => b.toString('utf8'))).toEqual(['alpha', 'β', '']);
    expect(data[0]?.buffer).toBe(raw.buffer);
    const err = errorOf(() => decodeRaw('text', 'BYTES', [2, 2], raw));
    expect(err.reason).toBe('byte_size_mismatch');
    expect(err.expected).toBe('4 length-prefixed elements');
    expect(err.got).toBe('3 elements in 19 bytes');
    expect(encodeRaw(data).equals(raw)).toBe(true);
  });

  it('rejects a truncated prefix and a length that overruns the data', () => {
    const truncated = errorOf(() => decodeBytesElements('t', Buffer.from([1, 0, 0, 0, 0x41, 9, 9])));
    expect(truncated.reason).toBe('bad_bytes_framing');
    expect(truncated.got).toBe('2 trailing bytes at offset 5');
    const overrun = errorOf(() => decodeBytesElements('t', Buffer.from([5, 0, 0, 0, 0x41])));
    expect(overrun.reason).toBe('bad_bytes_framing');
    expect(overrun.got).toBe('length prefix 5 at offset 0');
  });

  it('counts and checks BYTES framing without element views, with the same errors as decoding', () => {
    const raw = encodeBytesElements(['alpha', 'β', '']);
    expect(countBytesElements('text', raw)).toBe(3);
    expect(countBytesElements('text', raw, 3)).toBe(3);
    expect(checkRaw('text', 'BYTES', [3], raw)).toEqual({ datatype: 'BYTES', shape: [3], count: 3 });
    for (const bad of [Buffer.from([1, 0, 0, 0, 0x41, 9, 9]), Buffer.from([5, 0, 0, 0, 0x41]), raw]) {
      const counted = errorOf(() => countBytesElements('t', bad, 4));
      const decoded = errorOf(() => decodeBytesElements('t', bad, 4));
      expect([counted.reason, counted.message, counted.expected, counted.got]).toEqual([decoded.reason, decoded.message, decoded.expected, decoded.got]);
    }
    // a length prefix with the top bit set is a large unsigned length, not a negative one
    expect(errorOf(() => countBytesElements('t', Buffer.from([0, 0, 0, 0x80, 1]))).got).toBe('length prefix 2147483648 at offset 0');
  });

  it('encodes strings straight into one buffer (multi-byte UTF-8 and empty strings included)', () => {
    const elements = ['', 'ascii', 'é€😀', Buffer.from([0, 255]), 'x'.repeat(300)];
    const raw = encodeBytesElements(elements);
    const back = decodeBytesElements('t', raw, elements.length);
    expect(back.map((b, i) => (typeof elements[i] === 'string' ? b.toString('utf8') : [...b]))).toEqual(['', 'ascii', 'é€😀', [0, 255], 'x'.repeat(300)]);
    expect(raw.byteLength).toBe(5 * 4 + 0 + 5 + Buffer.byteLength('é€😀') + 2 + 300);
  });

  it('decodes an empty BYTES tensor from zero bytes', () => {
    expect(decodeRaw('t', 'BYTES', [0], Buffer.alloc(0))).toEqual([]);
  });
});
