import { contentsToData, hasContents, valuesToData, type TensorContents } from './contents-codec';
import { datatypeInfo } from './datatypes';
import { checkRaw, decodeRaw, encodeRaw } from './raw-codec';
import { TensorError } from './tensor-error';
import { elementCount, formatShape, validateShape, type Tensor } from './tensor';
import type { Datatype } from './datatypes';

/** The tensor header of a ModelInferRequest input (structurally matches the generated protobuf type). */
export interface WireInputTensor {
  name: string;
  datatype: string;
  shape: readonly number[];
  contents?: TensorContents | null;
}

/**
 * Decodes one request input from its typed `contents` or its raw bytes (never both), validating
 * datatype, shape and size. A tensor with zero elements may carry neither.
 */
export function decodeInputTensor(input: WireInputTensor, raw: Uint8Array | undefined): Tensor {
  const { name } = input;
  const info = datatypeInfo(name, input.datatype);
  const shape = validateShape(name, input.shape);
  const withContents = hasContents(input.contents);
  if (raw !== undefined && withContents) {
    throw new TensorError('contents_and_raw', 'data given twice', {
      tensorName: name,
      expected: 'either typed contents or raw contents',
      got: 'both',
    });
  }
  if (raw !== undefined) return { name, datatype: info.datatype, shape, data: decodeRaw(name, info.datatype, shape, raw) };
  if (withContents && input.contents) {
    return { name, datatype: info.datatype, shape, data: contentsToData(name, info.datatype, shape, input.contents) };
  }
  if (elementCount(shape) === 0) return { name, datatype: info.datatype, shape, data: valuesToData(name, info.datatype, []) };
  throw new TensorError('missing_data', 'no data', {
    tensorName: name,
    expected: `contents or raw contents for shape ${formatShape(shape)}`,
    got: 'neither',
  });
}

/**
 * Decodes every input of a ModelInferRequest. `rawContents` (raw_input_contents) is either empty or
 * holds one entry per input in input order; when it is used no input may carry typed contents
 * (protocol rule). Input names must be unique.
 */
export function decodeInferInputs(inputs: readonly WireInputTensor[], rawContents: readonly Uint8Array[]): Tensor[] {
  return checkInputs(inputs, rawContents).map((input, i) => decodeInputTensor(input, rawContents.length > 0 ? rawContents[i] : undefined));
}

/** A tensor as raw little-endian bytes (KServe's raw_input_contents form) with its header. */
export interface RawTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: Buffer;
}

/** A tensor in raw form (typed arrays are viewed, not copied; BYTES elements are framed). */
export function toRawTensor(t: Tensor): RawTensor {
  return { name: t.name, datatype: t.datatype, shape: [...t.shape], data: encodeRaw(t.data) };
}

/**
 * decodeInferInputs for callers that pass the bytes on (the gateway forwards them to a worker): the same
 * checks, but raw contents are kept as they came (no typed-array copy of a misaligned gRPC slice), and
 * typed contents are encoded to raw bytes once.
 */
export function inferInputsAsRaw(inputs: readonly WireInputTensor[], rawContents: readonly Uint8Array[]): RawTensor[] {
  return checkInputs(inputs, rawContents).map((input, i) => {
    const raw = rawContents.length > 0 ? rawContents[i] : undefined;
    if (raw === undefined || hasContents(input.contents)) return toRawTensor(decodeInputTensor(input, raw));
    const { datatype, shape } = checkRaw(input.name, input.datatype, input.shape, raw);
    return { name: input.name, datatype, shape, data: Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) };
  });
}

/** Up to this many inputs, names are checked for uniqueness pairwise. */
const PAIRWISE_MAX_INPUTS = 16;

const duplicateInput = (name: string): TensorError =>
  new TensorError('bad_value', 'duplicate input name', { tensorName: name, expected: 'unique input names', got: 'the name twice' });

/** The request-level rules: one raw entry per input when raw contents are used, unique input names. */
function checkInputs(inputs: readonly WireInputTensor[], rawContents: readonly Uint8Array[]): readonly WireInputTensor[] {
  if (rawContents.length > 0 && rawContents.length !== inputs.length) {
    throw new TensorError('byte_size_mismatch', 'raw_input_contents count does not match inputs', {
      tensorName: inputs.map((i) => i.name).join(','),
      expected: `${inputs.length} raw_input_contents entries (one per input, in order)`,
      got: `${rawContents.length}`,
    });
  }
  // Requests carry a handful of inputs: compare pairwise rather than build a Set per request (a Set past
  // PAIRWISE_MAX_INPUTS, so a request with very many inputs costs linear time, not quadratic).
  if (inputs.length > PAIRWISE_MAX_INPUTS) {
    const seen = new Set<string>();
    for (const input of inputs) {
      if (seen.has(input.name)) throw duplicateInput(input.name);
      seen.add(input.name);
    }
    return inputs;
  }
  for (let i = 1; i < inputs.length; i++) {
    const name = inputs[i]!.name;
    for (let j = 0; j < i; j++) {
      if (inputs[j]!.name === name) throw duplicateInput(name);
    }
  }
  return inputs;
}
