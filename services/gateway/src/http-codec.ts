// KServe v2 REST binding (`POST /v2/models/{model}[/versions/{version}]/infer`), pure logic: turns an
// HTTP body into the InferRequest the gRPC front door also hands to InferenceService, and a
// ModelInferResponse-shaped result back into an HTTP body. Includes Triton's binary tensor data
// extension: a JSON header of `Inference-Header-Content-Length` bytes followed by raw tensors.
import { InternalError, InvalidArgumentError } from '@maas/errors';
import {
  checkRaw,
  decodeInputTensor,
  encodeRaw,
  TensorError,
  valuesToData,
  dataToValues,
  elementCount,
  formatShape,
  datatypeInfo,
  hasContents,
  validateShape,
  type ElementValue,
  type Tensor,
  type TensorContents,
} from '@maas/tensor';
import { parameterValue, type InferInputTensor, type InferParameters, type InferRequest, type InferRequestedOutput } from './infer';

/** HTTP header (lower-case, as Node presents it) giving the byte length of the JSON part of a binary body. */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';
/** Input parameter: byte size of this input's binary section. */
export const BINARY_DATA_SIZE_PARAM = 'binary_data_size';
/** Output parameter: return this output as binary rather than JSON. */
export const BINARY_DATA_PARAM = 'binary_data';
/** Request parameter: return every output as binary unless the output says otherwise. */
export const BINARY_DATA_OUTPUT_PARAM = 'binary_data_output';

/** What parseInferRequest needs from the HTTP exchange. */
export interface HttpInferRequestSource {
  modelName: string;
  /** Empty or absent: the server picks the version. */
  modelVersion?: string;
  /** The whole request body. */
  body: Buffer;
  /** Value of the Inference-Header-Content-Length header, if any. */
  inferenceHeaderContentLength?: string | number;
}

/** An output of a ModelInferResponse-like result (typed contents or the matching raw_output_contents entry). */
export interface InferResponseOutput {
  name: string;
  datatype: string;
  shape: readonly number[];
  parameters?: InferParameters;
  contents?: TensorContents | null;
}

/** A ModelInferResponse-like result to send back over REST. */
export interface InferResponseSource {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: InferParameters;
  outputs: readonly InferResponseOutput[];
  raw_output_contents?: readonly Uint8Array[];
}

/** An encoded REST response: the body and the headers that describe it. */
export interface HttpInferResponse {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * A malformed REST inference request: bad JSON, a field of the wrong type, data not matching its shape
 * or datatype. `path` locates the field (`inputs[1].data[0][2]`). Maps to HTTP 400 / INVALID_ARGUMENT.
 */
export class HttpCodecError extends InvalidArgumentError {
  /** Location of the bad field in the request body. */
  readonly path: string;
  /** What the protocol expected there. */
  readonly expected: string;
  /** What the request had. */
  readonly got: string;

  constructor(path: string, expected: string, got: string, options: { cause?: unknown; what?: string } = {}) {
    const what = options.what === undefined ? '' : `${options.what}: `;
    super(`invalid inference request at ${path}: ${what}expected ${expected}, got ${got}`, {
      cause: options.cause,
      details: { path, expected, got },
    });
    this.path = path;
    this.expected = expected;
    this.got = got;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wrapTensorError(path: string, error: unknown): never {
  if (error instanceof TensorError) {
    throw new HttpCodecError(path, error.expected, error.got, {
      cause: error,
      what: `tensor '${error.tensorName}': ${error.problem}`,
    });
  }
  throw error;
}

/** Converts a JSON parameters object to InferParameters (bool, integer, double or string values). */
export function parseParameters(value: unknown, path: string): InferParameters {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new HttpCodecError(path, 'an object of parameters', describeValue(value));
  const out: InferParameters = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'boolean') out[key] = { bool_param: v };
    else if (typeof v === 'string') out[key] = { string_param: v };
    else if (typeof v === 'number' && Number.isSafeInteger(v)) out[key] = { int64_param: v };
    else if (typeof v === 'number' && Number.isFinite(v)) out[key] = { double_param: v };
    else throw new HttpCodecError(`${path}.${key}`, 'a boolean, number or string', describeValue(v));
  }
  return out;
}

function parametersToJson(params: InferParameters | undefined): Record<string, boolean | number | string> | undefined {
  if (params === undefined) return undefined;
  const out: Record<string, boolean | number | string> = {};
  for (const [key, param] of Object.entries(params)) {
    const v = parameterValue(param);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function requireString(value: unknown, path: string, optional: boolean): string {
  if (value === undefined && optional) return '';
  if (typeof value !== 'string' || (!optional && value === '')) {
    throw new HttpCodecError(path, optional ? 'a string' : 'a non-empty string', describeValue(value));
  }
  return value;
}

/**
 * Flattens tensor `data`, given flat (row-major) or nested to match the shape, checking that its
 * structure and element count match `shape`.
 */
export function flattenData(data: unknown, shape: readonly number[], path: string): unknown[] {
  if (!Array.isArray(data)) throw new HttpCodecError(path, 'an array of tensor elements', describeValue(data));
  const count = elementCount(shape);
  const nested = data.some((e) => Array.isArray(e));
  if (!nested) {
    if (data.length !== count) {
      throw new HttpCodecError(path, `${count} elements for shape ${formatShape(shape)}`, `${data.length} elements`, {
        what: 'data length does not match shape',
      });
    }
    return data;
  }
  const out: unknown[] = [];
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new HttpCodecError(at, `a scalar element (shape ${formatShape(shape)} has ${shape.length} dims)`, describeValue(node));
      out.push(node);
      return;
    }
    const dim = shape[depth] ?? 0;
    if (!Array.isArray(node) || node.length !== dim) {
      throw new HttpCodecError(at, `an array of ${dim} (dim ${depth} of shape ${formatShape(shape)})`, describeValue(node), {
        what: 'data does not match shape',
      });
    }
    node.forEach((child, i) => walk(child, depth + 1, `${at}[${i}]`));
  };
  walk(data, 0, path);
  return out;
}

function parseHeaderLength(value: string | number | undefined, bodyBytes: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > bodyBytes) {
    throw new HttpCodecError(`header ${INFERENCE_HEADER_CONTENT_LENGTH}`, `an integer byte count between 0 and the body size ${bodyBytes}`, JSON.stringify(value));
  }
  return n;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new HttpCodecError('body', 'a JSON inference request object', `malformed JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
}

function binaryDataSize(params: InferParameters, path: string): number | undefined {
  const param = params[BINARY_DATA_SIZE_PARAM];
  if (param === undefined) return undefined;
  const size = param.int64_param;
  if (size === undefined || size < 0) {
    throw new HttpCodecError(`${path}.${BINARY_DATA_SIZE_PARAM}`, 'a non-negative integer byte count', String(parameterValue(param)));
  }
  return size;
}

/**
 * Parses a REST inference request body (JSON, or JSON header + binary tensors when
 * `inferenceHeaderContentLength` is given) into an InferRequest with every input's data in
 * raw_input_contents: JSON data encoded once, binary sections forwarded as views of the body (checked
 * for size and framing, never decoded or copied). Validates the datatype, shape and data of every input.
 * Throws HttpCodecError naming the field path and what was expected.
 */
export function parseInferRequest(source: HttpInferRequestSource): InferRequest {
  const { body } = source;
  const headerBytes = parseHeaderLength(source.inferenceHeaderContentLength, body.byteLength);
  const jsonPart = headerBytes === undefined ? body : body.subarray(0, headerBytes);
  const binary = headerBytes === undefined ? body.subarray(body.byteLength) : body.subarray(headerBytes);
  const json = parseJson(jsonPart);
  if (!isRecord(json)) throw new HttpCodecError('body', 'a JSON object', describeValue(json));

  const id = requireString(json['id'], 'id', true);
  const parameters = parseParameters(json['parameters'], 'parameters');
  const rawInputs = json['inputs'];
  if (!Array.isArray(rawInputs) || rawInputs.length === 0) {
    throw new HttpCodecError('inputs', 'a non-empty array of input tensors', describeValue(rawInputs));
  }

  let binaryOffset = 0;
  const inputs: InferInputTensor[] = [];
  const raw: Buffer[] = [];
  rawInputs.forEach((entry: unknown, i: number) => {
    const path = `inputs[${i}]`;
    if (!isRecord(entry)) throw new HttpCodecError(path, 'an input tensor object', describeValue(entry));
    const name = requireString(entry['name'], `${path}.name`, false);
    const datatype = requireString(entry['datatype'], `${path}.datatype`, false);
    const shapeValue = entry['shape'];
    if (!Array.isArray(shapeValue)) throw new HttpCodecError(`${path}.shape`, 'an array of non-negative integers', describeValue(shapeValue));
    let shape: number[];
    try {
      datatypeInfo(name, datatype);
      shape = validateShape(name, shapeValue);
    } catch (error) {
      wrapTensorError(path, error);
    }
    const inputParams = parseParameters(entry['parameters'], `${path}.parameters`);
    const size = binaryDataSize(inputParams, `${path}.parameters`);
    delete inputParams[BINARY_DATA_SIZE_PARAM];
    let bytes: Buffer;
    if (size !== undefined) {
      if (entry['data'] !== undefined) {
        throw new HttpCodecError(`${path}.data`, `no JSON data when parameters.${BINARY_DATA_SIZE_PARAM} is set`, 'both');
      }
      if (headerBytes === undefined) {
        throw new HttpCodecError(`${path}.parameters.${BINARY_DATA_SIZE_PARAM}`, `the ${INFERENCE_HEADER_CONTENT_LENGTH} header with binary data`, 'no such header');
      }
      if (binaryOffset + size > binary.byteLength) {
        throw new HttpCodecError(`${path}.parameters.${BINARY_DATA_SIZE_PARAM}`, `at most ${binary.byteLength - binaryOffset} bytes left in the binary data`, `${size}`);
      }
      bytes = binary.subarray(binaryOffset, binaryOffset + size);
      binaryOffset += size;
      try {
        // Size (and BYTES framing) only: decoding would copy a misaligned section just to throw it away.
        checkRaw(name, datatype, shape, bytes);
      } catch (error) {
        wrapTensorError(path, error);
      }
    } else {
      const flat = flattenData(entry['data'], shape, `${path}.data`);
      try {
        bytes = encodeRaw(valuesToData(name, datatype, flat));
      } catch (error) {
        wrapTensorError(`${path}.data`, error);
      }
    }
    inputs.push({ name, datatype, shape, parameters: inputParams });
    raw.push(bytes);
  });
  if (binaryOffset !== binary.byteLength) {
    throw new HttpCodecError('body', `${binaryOffset} bytes of binary tensor data after the JSON header (sum of ${BINARY_DATA_SIZE_PARAM})`, `${binary.byteLength} bytes`);
  }

  const outputs: InferRequestedOutput[] = [];
  const rawOutputs = json['outputs'];
  if (rawOutputs !== undefined) {
    if (!Array.isArray(rawOutputs)) throw new HttpCodecError('outputs', 'an array of requested outputs', describeValue(rawOutputs));
    rawOutputs.forEach((entry: unknown, i: number) => {
      const path = `outputs[${i}]`;
      if (!isRecord(entry)) throw new HttpCodecError(path, 'a requested output object', describeValue(entry));
      const outputParams = parseParameters(entry['parameters'], `${path}.parameters`);
      const binaryParam = outputParams[BINARY_DATA_PARAM];
      if (binaryParam !== undefined && binaryParam.bool_param === undefined) {
        throw new HttpCodecError(`${path}.parameters.${BINARY_DATA_PARAM}`, 'a boolean', String(parameterValue(binaryParam)));
      }
      outputs.push({ name: requireString(entry['name'], `${path}.name`, false), parameters: outputParams });
    });
  }
  const binaryOutput = parameters[BINARY_DATA_OUTPUT_PARAM];
  if (binaryOutput !== undefined && binaryOutput.bool_param === undefined) {
    throw new HttpCodecError(`parameters.${BINARY_DATA_OUTPUT_PARAM}`, 'a boolean', String(parameterValue(binaryOutput)));
  }

  return {
    model_name: source.modelName,
    model_version: source.modelVersion ?? '',
    id,
    parameters,
    inputs,
    outputs,
    raw_input_contents: raw,
  };
}

/**
 * Whether an output goes back as binary: its own `binary_data` parameter decides; otherwise the
 * request's `binary_data_output` parameter; otherwise JSON.
 */
export function wantsBinaryOutput(request: Pick<InferRequest, 'parameters' | 'outputs'>, outputName: string): boolean {
  const requested = request.outputs.find((o) => o.name === outputName);
  const own = requested?.parameters?.[BINARY_DATA_PARAM]?.bool_param;
  if (own !== undefined) return own;
  return request.parameters[BINARY_DATA_OUTPUT_PARAM]?.bool_param ?? false;
}

interface JsonOutput {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, boolean | number | string>;
  data?: ElementValue[];
}

/** Runs a check or decode of a model output; a malformed output is the platform's fault, not the caller's. */
function malformedOutputAsInternal<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new InternalError(`model output '${name}' is malformed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Builds the REST response for a ModelInferResponse-like result: JSON with flat row-major `data`, or,
 * for outputs asked for as binary, JSON header + raw tensors in output order with
 * `parameters.binary_data_size` set and the Inference-Header-Content-Length header. BYTES outputs in
 * binary form use the 4-byte length-prefixed framing.
 */
export function encodeInferResponse(response: InferResponseSource, request: Pick<InferRequest, 'parameters' | 'outputs'>): HttpInferResponse {
  const rawOutputs = response.raw_output_contents ?? [];
  const binaryParts: Buffer[] = [];
  const outputs: JsonOutput[] = response.outputs.map((output, i) => {
    const raw = rawOutputs.length > 0 ? rawOutputs[i] : undefined;
    const params = parametersToJson(output.parameters) ?? {};
    const binary = wantsBinaryOutput(request, output.name);
    if (binary && raw !== undefined && !hasContents(output.contents)) {
      // Raw bytes asked for as binary go out as they came: checked (size, BYTES framing), not decoded and re-encoded.
      const checked = malformedOutputAsInternal(output.name, () => checkRaw(output.name, output.datatype, output.shape, raw));
      binaryParts.push(Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
      return { name: output.name, datatype: checked.datatype, shape: checked.shape, parameters: { ...params, [BINARY_DATA_SIZE_PARAM]: raw.byteLength } };
    }
    const tensor: Tensor = malformedOutputAsInternal(output.name, () =>
      decodeInputTensor({ name: output.name, datatype: output.datatype, shape: output.shape, contents: output.contents ?? null }, raw),
    );
    const json: JsonOutput = { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape };
    if (binary) {
      const bytes = encodeRaw(tensor.data);
      binaryParts.push(bytes);
      json.parameters = { ...params, [BINARY_DATA_SIZE_PARAM]: bytes.byteLength };
    } else {
      if (Object.keys(params).length > 0) json.parameters = params;
      json.data = dataToValues(tensor.datatype, tensor.data);
    }
    return json;
  });
  const body: Record<string, unknown> = { model_name: response.model_name };
  if (response.model_version) body['model_version'] = response.model_version;
  if (response.id) body['id'] = response.id;
  const params = parametersToJson(response.parameters);
  if (params !== undefined) body['parameters'] = params;
  body['outputs'] = outputs;
  const header = Buffer.from(JSON.stringify(body), 'utf8');
  if (binaryParts.length === 0) {
    return { body: header, headers: { 'content-type': 'application/json' } };
  }
  return {
    body: Buffer.concat([header, ...binaryParts]),
    headers: { 'content-type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: String(header.byteLength) },
  };
}
