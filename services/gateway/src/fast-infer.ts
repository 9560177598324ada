import type { FastUnaryMethod } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import type { ModelInferRequest__Output, ModelInferResponse } from '@maas/protos';
import type { Authenticator } from './auth';
import type { GatewayState } from './gateway-state';
import { inferOverGrpc } from './grpc-inference';

/** The path of ModelInfer, the method the fast gRPC path serves. */
export const MODEL_INFER_PATH = '/inference.GRPCInferenceService/ModelInfer';

/** The generated codec of one method (what proto-loader puts on a service definition). */
export interface MethodCodec<Req, Res> {
  requestDeserialize(bytes: Buffer): Req;
  responseSerialize(response: Res): Buffer;
}

/**
 * ModelInfer on the fast gRPC path (@maas/grpc-kit fast-unary): the same inference as the grpc-js handler
 * (inferOverGrpc: principal, deadline, trace context), with the call itself as the cancel signal (no
 * AbortController per request; its getDeadline() is Infinity without grpc-timeout, so the default timeout applies).
 */
export function fastModelInfer(
  state: GatewayState,
  auth: Authenticator,
  logger: Logger,
  codec: MethodCodec<ModelInferRequest__Output, ModelInferResponse>,
): FastUnaryMethod<ModelInferRequest__Output, ModelInferResponse> {
  return {
    path: MODEL_INFER_PATH,
    deserialize: (bytes) => codec.requestDeserialize(bytes),
    serialize: (response) => codec.responseSerialize(response),
    handle: (req, call) => inferOverGrpc(state, auth, logger, req, (name) => call.header(name), call, call),
  };
}
