import { DATATYPES, encodeRaw, type Datatype } from '@maas/tensor';
import { InvalidArgumentError } from '@maas/errors';
import { bytesAsStrings, decodeOutputs, encodeInputs, type InputTensor } from './tensors';

// One input per datatype, as a caller writes it: the datatype's typed array, BYTES as strings and Buffers.
const SAMPLES: Record<Datatype, InputTensor> = {
  BOOL: { datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
  UINT8: { datatype: 'UINT8', shape: [2], data: new Uint8Array([0, 255]) },
  UINT16: { datatype: 'UINT16', shape: [2], data: new Uint16Array([1, 65535]) },
  UINT32: { datatype: 'UINT32', shape: [2], data: new Uint32Array([7, 4294967295]) },
  UINT64: { datatype: 'UINT64', shape: [2], data: new BigUint64Array([1n, 18446744073709551615n]) },
  INT8: { datatype: 'INT8', shape: [2], data: new Int8Array([-128, 127]) },
  INT16: { datatype: 'INT16', shape: [2], data: new Int16Array([-32768, 5]) },
  INT32: { datatype: 'INT32', shape: [1, 2], data: new Int32Array([-1, 2147483647]) },
  INT64: { datatype: 'INT64', shape: [2], data: new BigInt64Array([-9223372036854775808n, 42n]) },
  FP16: { datatype: 'FP16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
  FP32: { datatype: 'FP32', shape: [2, 2], data: new Float32Array([1.5, -2, 3, 4]) },
  FP64: { datatype: 'FP64', shape: [1], data: new Float64Array([Math.PI]) },
  BYTES: { datatype: 'BYTES', shape: [2], data: ['héllo', Buffer.from([0, 1, 2])] },
};

/** What a server sends back for the wire inputs: the same tensors as outputs, raw. */
function echo(wire: ReturnType<typeof encodeInputs>) {
  return { outputs: wire.inputs, raw_output_contents: wire.raw_input_contents.map((b) => Buffer.from(b)) };
}

describe('client tensors', () => {
  it.each(DATATYPES)('round-trips %s through raw bytes into the same typed array', (dt) => {
    const input = SAMPLES[dt];
    const out = decodeOutputs(echo(encodeInputs({ t: input })))['t']!;
    expect(out).toMatchObject({ name: 't', datatype: dt, shape: [...input.shape] });
    if (dt === 'BYTES') expect(out.data).toEqual([Buffer.from('héllo'), Buffer.from([0, 1, 2])]);
    else {
      expect(out.data.constructor).toBe(input.data.constructor);
      expect(Array.from(out.data as ArrayLike<unknown>)).toEqual(Array.from(input.data as ArrayLike<unknown>));
    }
  });

  it('accepts plain values and converts them to the datatype, checking each', () => {
    const wire = encodeInputs({ a: { datatype: 'INT64', shape: [2], data: [1, '9007199254740993'] }, b: { datatype: 'BOOL', shape: [1], data: [true] }, h: { datatype: 'FP16', shape: [1], data: [1] } });
    expect(wire.raw_input_contents[0]).toEqual(encodeRaw(new BigInt64Array([1n, 9007199254740993n])));
    expect(wire.raw_input_contents[1]).toEqual(Buffer.from([1]));
    expect(wire.raw_input_contents[2]).toEqual(encodeRaw(new Uint16Array([0x3c00])));
    expect(() => encodeInputs({ u: { datatype: 'UINT8', shape: [1], data: [256] } })).toThrow(/UINT8 element at index 0/);
  });

  it('refuses a typed array of the wrong kind, a wrong element count, or an unknown datatype, naming the tensor', () => {
    expect(() => encodeInputs({ x: { datatype: 'FP32', shape: [2], data: new Float64Array(2) } })).toThrow(new InvalidArgumentError('input x: Float64Array does not carry FP32; expected Float32Array'));
    expect(() => encodeInputs({ x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array(3) } })).toThrow(/x.*element count does not match shape/);
    expect(() => encodeInputs({ x: { datatype: 'BF16' as Datatype, shape: [1], data: new Uint16Array(1) } })).toThrow(/input x: unknown datatype BF16/);
  });

  it('decodes typed contents when the server sends no raw outputs, and keeps an unknown datatype as raw bytes', () => {
    const out = decodeOutputs({
      outputs: [
        { name: 'p', datatype: 'FP32', shape: [2], contents: { fp32_contents: [0.25, 0.75] } },
        { name: 'b', datatype: 'BF16', shape: [1], contents: null },
      ],
      raw_output_contents: [],
    });
    expect(out['p']!.data).toEqual(new Float32Array([0.25, 0.75]));
    expect(out['b']!.data).toEqual(Buffer.alloc(0));
  });

  it('reads BYTES outputs as strings', () => {
    const out = decodeOutputs(echo(encodeInputs({ s: { datatype: 'BYTES', shape: [2], data: ['a', 'ζ'] } })))['s']!;
    expect(bytesAsStrings(out)).toEqual(['a', 'ζ']);
    expect(() => bytesAsStrings({ name: 'f', datatype: 'FP32', shape: [1], data: new Float32Array(1) })).toThrow(/not BYTES/);
  });
});
