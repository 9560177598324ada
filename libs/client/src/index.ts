export { InferenceClient, type CallOptions } from './inference-client';
export { compileClientOptions, type ClientTlsOptions, type CompiledClientOptions, type InferenceClientOptions } from './client-options';
export { InferStream, type StreamOptions } from './infer-stream';
export type { InferOptions, InferResult } from './infer-request';
export { bytesAsStrings, decodeOutputs, encodeInputs, type InferInputs, type InputData, type InputTensor, type OutputTensor, type TypedArrayOf } from './tensors';
export type { ParameterValue } from './parameters';
export { InferenceError, statusName, toClientError } from './client-errors';
// The named errors a call rejects with, by gRPC status; each carries `code` and the server's message.
export {
  AbortedError,
  CancelledError,
  DeadlineExceededError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  MaasError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
  UnimplementedError,
  RETRYABLE_CODES,
} from '@maas/errors';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from '@maas/grpc-kit';
export { DATATYPES, type Datatype } from '@maas/tensor';
