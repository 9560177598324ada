import {
  contentsToData,
  decodeRaw,
  encodeRaw,
  isBytesData,
  isDatatype,
  TYPED_ARRAY_FOR,
  validateTensor,
  valuesToData,
  type Datatype,
  type NumericArray,
  type TensorContents,
  type TensorData,
} from '@maas/tensor';
import { InvalidArgumentError } from '@maas/errors';

/**
 * The typed array that carries each datatype: BOOL as 0/1 bytes, FP16 as IEEE half bits, 64-bit integers as
 * BigInt arrays. BYTES has no typed array: its elements are Buffers (or strings on the way in).
 */
export interface TypedArrayOf {
  BOOL: Uint8Array;
  UINT8: Uint8Array;
  UINT16: Uint16Array;
  UINT32: Uint32Array;
  UINT64: BigUint64Array;
  INT8: Int8Array;
  INT16: Int16Array;
  INT32: Int32Array;
  INT64: BigInt64Array;
  FP16: Uint16Array;
  FP32: Float32Array;
  FP64: Float64Array;
}

/**
 * Data of an input tensor: the datatype's typed array (no copy), BYTES elements as strings (UTF-8) or Buffers,
 * or plain element values (numbers, booleans, bigints or decimal strings), checked and converted.
 */
export type InputData = NumericArray | ReadonlyArray<string | Uint8Array> | ReadonlyArray<number | boolean | bigint | string>;

/** One input: datatype, shape and data in row-major order. */
export interface InputTensor {
  datatype: Datatype;
  shape: readonly number[];
  data: InputData;
}

/** Inputs of one inference, by tensor name. */
export type InferInputs = Readonly<Record<string, InputTensor>>;

/** One output: typed array data (see TypedArrayOf), Buffers for BYTES; an unknown datatype's raw bytes as a Buffer. */
export interface OutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: TensorData;
}

/** A request's inputs on the wire: tensor headers plus one raw_input_contents entry each. */
export interface WireInputs {
  inputs: Array<{ name: string; datatype: string; shape: number[] }>;
  raw_input_contents: Buffer[];
}

/** Checks each input against its datatype and shape and encodes it as raw little-endian bytes. */
export function encodeInputs(inputs: InferInputs): WireInputs {
  const wire: WireInputs = { inputs: [], raw_input_contents: [] };
  for (const [name, t] of Object.entries(inputs)) {
    if (!isDatatype(t.datatype)) throw new InvalidArgumentError(`input ${name}: unknown datatype ${String(t.datatype)}; expected one of BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64, BYTES`);
    let data: TensorData;
    if (ArrayBuffer.isView(t.data)) {
      const ctor = t.datatype === 'BYTES' ? undefined : TYPED_ARRAY_FOR[t.datatype];
      if (ctor === undefined || !(t.data instanceof ctor)) {
        throw new InvalidArgumentError(`input ${name}: ${t.data.constructor.name} does not carry ${t.datatype}; expected ${ctor ? ctor.name : 'an array of strings or Buffers'}`);
      }
      data = t.data as NumericArray;
    } else {
      data = valuesToData(name, t.datatype, t.data as readonly unknown[]);
    }
    const shape = [...t.shape];
    validateTensor({ name, datatype: t.datatype, shape, data });
    wire.inputs.push({ name, datatype: t.datatype, shape });
    wire.raw_input_contents.push(encodeRaw(data));
  }
  return wire;
}

/** The outputs part of a ModelInferResponse, as grpc-js decodes it with the shared loader options. */
export interface WireOutputs {
  outputs: Array<{ name: string; datatype: string; shape: number[]; contents?: TensorContents | null }>;
  raw_output_contents: Buffer[];
}

/** Decodes a response's outputs, raw or typed contents, into typed arrays by tensor name. */
export function decodeOutputs(res: WireOutputs): Record<string, OutputTensor> {
  const out: Record<string, OutputTensor> = {};
  res.outputs.forEach((o, i) => {
    const raw = res.raw_output_contents[i];
    let data: TensorData;
    if (!isDatatype(o.datatype)) data = raw ?? Buffer.alloc(0);
    else if (raw !== undefined) data = decodeRaw(o.name, o.datatype, o.shape, raw);
    else data = contentsToData(o.name, o.datatype, o.shape, o.contents ?? {});
    out[o.name] = { name: o.name, datatype: o.datatype, shape: o.shape, data };
  });
  return out;
}

/** The elements of a BYTES output as UTF-8 strings. */
export function bytesAsStrings(tensor: OutputTensor): string[] {
  if (!isBytesData(tensor.data)) throw new InvalidArgumentError(`output ${tensor.name}: datatype ${tensor.datatype} is not BYTES`);
  return tensor.data.map((e) => (typeof e === 'string' ? e : Buffer.from(e).toString('utf8')));
}
