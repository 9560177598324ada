export { TensorError, type TensorErrorInit, type TensorErrorReason } from './tensor-error';
export {
  CONTENTS_FIELDS,
  DATATYPE_INFO,
  DATATYPES,
  datatypeFromConfig,
  datatypeFromOnnx,
  datatypeInfo,
  isDatatype,
  type ContentsField,
  type Datatype,
  type DatatypeInfo,
  type OnnxTensorType,
} from './datatypes';
export {
  elementCount,
  expectedByteSize,
  formatShape,
  isBytesData,
  shapeMatches,
  TYPED_ARRAY_FOR,
  validateShape,
  validateTensor,
  type BytesElements,
  type NumericArray,
  type NumericArrayConstructor,
  type Tensor,
  type TensorData,
} from './tensor';
export { float16BitsToNumber, numberToFloat16Bits } from './float16';
export {
  BYTES_LENGTH_PREFIX_BYTES,
  countBytesElements,
  decodeBytesElements,
  checkRaw,
  decodeRaw,
  encodeBytesElements,
  encodeRaw,
  viewAs,
} from './raw-codec';
export {
  contentsToData,
  dataToContents,
  dataToValues,
  hasContents,
  valuesToData,
  type ElementValue,
  type TensorContents,
} from './contents-codec';
export { decodeInferInputs, decodeInputTensor, inferInputsAsRaw, toRawTensor, type RawTensor, type WireInputTensor } from './wire-tensors';
export { split, stack, type BatchAllocator, type StackedTensor } from './batching';
