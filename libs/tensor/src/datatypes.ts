import { TensorError } from './tensor-error';

/** The KServe v2 / Triton tensor datatypes maas supports (BF16 is not: onnxruntime-node has no BF16 tensors). */
export const DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

/** A KServe v2 datatype name as it appears on the wire ("FP32", "BYTES", ...). */
export type Datatype = (typeof DATATYPES)[number];

/** The InferTensorContents field that carries a datatype's typed values. */
export type ContentsField =
  | 'bool_contents'
  | 'int_contents'
  | 'int64_contents'
  | 'uint_contents'
  | 'uint64_contents'
  | 'fp32_contents'
  | 'fp64_contents'
  | 'bytes_contents';

/** Every InferTensorContents field, in field-number order. */
export const CONTENTS_FIELDS: readonly ContentsField[] = [
  'bool_contents',
  'int_contents',
  'int64_contents',
  'uint_contents',
  'uint64_contents',
  'fp32_contents',
  'fp64_contents',
  'bytes_contents',
];

/** onnxruntime's tensor type names (`Tensor.type` in onnxruntime-node). */
export type OnnxTensorType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'float32'
  | 'float64'
  | 'string';

/** Everything the platform needs to know about one datatype. */
export interface DatatypeInfo {
  readonly datatype: Datatype;
  /** Bytes per element in raw form; 0 for BYTES, whose elements are length-prefixed and variable. */
  readonly elementSizeBytes: number;
  /** Typed `contents` field, or null where the protocol has none (FP16 travels raw only). */
  readonly contentsField: ContentsField | null;
  /** onnxruntime tensor type. */
  readonly onnxType: OnnxTensorType;
  /** Model-config enum name (inference.DataType). */
  readonly configType: string;
  /** Smallest and largest value for integer types (bigint for 64-bit), null otherwise. */
  readonly range: readonly [number, number] | readonly [bigint, bigint] | null;
}

function info(
  datatype: Datatype,
  elementSizeBytes: number,
  contentsField: ContentsField | null,
  onnxType: OnnxTensorType,
  configType: string,
  range: DatatypeInfo['range'],
): DatatypeInfo {
  return { datatype, elementSizeBytes, contentsField, onnxType, configType, range };
}

/** The datatype table: raw size, contents field, onnxruntime type and model-config enum of each datatype. */
export const DATATYPE_INFO: Readonly<Record<Datatype, DatatypeInfo>> = {
  BOOL: info('BOOL', 1, 'bool_contents', 'bool', 'TYPE_BOOL', null),
  UINT8: info('UINT8', 1, 'uint_contents', 'uint8', 'TYPE_UINT8', [0, 0xff]),
  UINT16: info('UINT16', 2, 'uint_contents', 'uint16', 'TYPE_UINT16', [0, 0xffff]),
  UINT32: info('UINT32', 4, 'uint_contents', 'uint32', 'TYPE_UINT32', [0, 0xffffffff]),
  UINT64: info('UINT64', 8, 'uint64_contents', 'uint64', 'TYPE_UINT64', [0n, 0xffffffffffffffffn]),
  INT8: info('INT8', 1, 'int_contents', 'int8', 'TYPE_INT8', [-0x80, 0x7f]),
  INT16: info('INT16', 2, 'int_contents', 'int16', 'TYPE_INT16', [-0x8000, 0x7fff]),
  INT32: info('INT32', 4, 'int_contents', 'int32', 'TYPE_INT32', [-0x80000000, 0x7fffffff]),
  INT64: info('INT64', 8, 'int64_contents', 'int64', 'TYPE_INT64', [-0x8000000000000000n, 0x7fffffffffffffffn]),
  FP16: info('FP16', 2, null, 'float16', 'TYPE_FP16', null),
  FP32: info('FP32', 4, 'fp32_contents', 'float32', 'TYPE_FP32', null),
  FP64: info('FP64', 8, 'fp64_contents', 'float64', 'TYPE_FP64', null),
  BYTES: info('BYTES', 0, 'bytes_contents', 'string', 'TYPE_STRING', null),
};

const BY_ONNX = new Map<string, Datatype>(DATATYPES.map((d) => [DATATYPE_INFO[d].onnxType, d]));
const BY_CONFIG = new Map<string, Datatype>(DATATYPES.map((d) => [DATATYPE_INFO[d].configType, d]));

/** True if `name` is a supported KServe v2 datatype (case-sensitive, as the protocol is). */
export function isDatatype(name: string): name is Datatype {
  return Object.prototype.hasOwnProperty.call(DATATYPE_INFO, name);
}

/** Returns the datatype's table entry; throws TensorError (unknown_datatype) naming the tensor otherwise. */
export function datatypeInfo(tensorName: string, datatype: string): DatatypeInfo {
  if (!isDatatype(datatype)) {
    throw new TensorError('unknown_datatype', 'unknown datatype', {
      tensorName,
      expected: `one of ${DATATYPES.join(', ')}`,
      got: JSON.stringify(datatype),
    });
  }
  return DATATYPE_INFO[datatype];
}

/** Maps an onnxruntime tensor type ('float32', 'string', ...) to its v2 datatype, or undefined if it has none. */
export function datatypeFromOnnx(onnxType: string): Datatype | undefined {
  return BY_ONNX.get(onnxType);
}

/** Maps a model-config enum name ('TYPE_FP32', 'TYPE_STRING', ...) to its v2 datatype, or undefined. */
export function datatypeFromConfig(configType: string): Datatype | undefined {
  return BY_CONFIG.get(configType);
}
