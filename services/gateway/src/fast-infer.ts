import type { FastUnaryMethod } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import type { ModelInferRequest__Output, ModelInferResponse } from '@maas/protos';
import { contextFromHeaders, tracingEnabled } from '@maas/tracing';
import type { Authenticator } from './auth';
import type { GatewayState } from './gateway-state';
import type { InferContext } from './infer';

/** The path of ModelInfer, the method the fast gRPC path serves. */
export const MODEL_INFER_PATH = '/inference.GRPCInferenceService/ModelInfer';

/** The generated codec of one method (what proto-loader puts on a service definition). */
export interface MethodCodec<Req, Res> {
  requestDeserialize(bytes: Buffer): Req;
  responseSerialize(response: Res): Buffer;
}

/**
 * ModelInfer on the fast gRPC path (@maas/grpc-kit fast-unary): the same inference path as the grpc-js handler
 * (grpc-inference.ts) — authentication from the metadata, the client's deadline capped by the default timeout,
 * the trace context, cancellation — with the call itself as the cancel signal (no AbortController per request).
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
    handle: async (req, call) => {
      const header = (name: string): string | undefined => call.header(name);
      const ctx: InferContext = { principal: auth.authenticate(header), deadlineUnixMs: Math.min(call.getDeadline(), Date.now() + state.defaultTimeoutMs), protocol: 'grpc', logger, signal: call };
      if (tracingEnabled()) ctx.traceContext = contextFromHeaders(header);
      return state.inference.infer(req, ctx);
    },
  };
}
