import * as grpc from '@grpc/grpc-js';
import { NotFoundError, UnimplementedError, toGrpcStatus } from '@maas/errors';
import { bidiStreaming, unary } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import { contextFromHeaders, tracingEnabled } from '@maas/tracing';
import type { GRPCInferenceServiceHandlers, ModelInferRequest__Output } from '@maas/protos';
import type { CancelSignal } from '@maas/queue';
import type { Authenticator } from './auth';
import type { GatewayState } from './gateway-state';
import type { InferContext, InferResponse } from './infer';
import type { TenantIsolation } from './tenant-isolation';
import { modelConfig, modelMetadata } from './model-info';

/** Reads a header from gRPC metadata. */
function metadataHeader(call: { metadata: grpc.Metadata }): (name: string) => string | undefined {
  return (name) => {
    const v = call.metadata.get(name)[0];
    return v === undefined ? undefined : String(v);
  };
}

/** The call's deadline as epoch ms (the client's, capped by the default timeout). */
export function deadlineOf(call: { getDeadline(): grpc.Deadline }, defaultTimeoutMs: number): number {
  const d = call.getDeadline();
  const fallback = Date.now() + defaultTimeoutMs;
  if (d instanceof Date) return Math.min(d.getTime(), fallback);
  return typeof d === 'number' && Number.isFinite(d) ? Math.min(d, fallback) : fallback;
}

const unimplemented = (what: string) =>
  unary(async () => {
    throw new UnimplementedError(`${what} is not supported by maas; tensors travel in the request (raw_input_contents)`);
  });

/**
 * One gRPC inference, for the grpc-js handlers and the fast ModelInfer path alike: the principal from the
 * metadata, the client's deadline capped by the default timeout, the trace context, the cancel signal. The
 * decoded message is the InferRequest (structurally): no cast, the compiler checks it.
 */
export async function inferOverGrpc(
  state: GatewayState,
  auth: Authenticator,
  logger: Logger,
  req: ModelInferRequest__Output,
  header: (name: string) => string | undefined,
  call: { getDeadline(): grpc.Deadline },
  signal?: CancelSignal,
): Promise<InferResponse> {
  const ctx: InferContext = { principal: auth.authenticate(header), deadlineUnixMs: deadlineOf(call, state.defaultTimeoutMs), protocol: 'grpc', logger, signal };
  if (tracingEnabled()) ctx.traceContext = contextFromHeaders(header);
  return state.inference.infer(req, ctx);
}

/** The GRPCInferenceService implementation: Open Inference Protocol v2 plus Triton's extensions. */
export function inferenceHandlers(state: GatewayState, auth: Authenticator, isolation: TenantIsolation, logger: Logger): GRPCInferenceServiceHandlers {
  const infer = (req: ModelInferRequest__Output, call: { metadata: grpc.Metadata; getDeadline(): grpc.Deadline }, signal?: AbortSignal) =>
    inferOverGrpc(state, auth, logger, req, metadataHeader(call), call, signal);

  return {
    ServerLive: unary(async () => ({ live: true })),
    ServerReady: unary(async () => ({ ready: state.isReady() })),
    ModelReady: unary(async (req, call) => {
      if (!(await isolation.isVisible(auth.authenticate(metadataHeader(call)), req.name))) return { ready: false };
      return { ready: await state.modelReady(req.name, req.version) };
    }),
    ServerMetadata: unary(async () => state.serverMetadata()),
    ModelMetadata: unary(async (req, call) => {
      await isolation.assertVisible(auth.authenticate(metadataHeader(call)), req.name);
      const { version, allVersions } = await state.describe(req.name, req.version);
      return modelMetadata(version, allVersions);
    }),
    ModelConfig: unary(async (req, call) => {
      await isolation.assertVisible(auth.authenticate(metadataHeader(call)), req.name);
      const { version } = await state.describe(req.name, req.version);
      return { config: modelConfig(version) };
    }),
    ModelStatistics: unary(async (req, call) => {
      const principal = auth.authenticate(metadataHeader(call));
      if (req.name !== '') await isolation.assertVisible(principal, req.name);
      const stats = await state.statistics(req.name, req.version);
      return { ...stats, model_stats: await isolation.filter(principal, stats.model_stats, (s) => s.name) };
    }),
    ModelInfer: unary(async (req, call) => {
      // grpc-js also emits 'cancelled' after a normal finish: only a cancel before the answer counts.
      const abort = new AbortController();
      let answered = false;
      call.once('cancelled', () => {
        if (!answered) abort.abort();
      });
      try {
        return await infer(req, call, abort.signal);
      } finally {
        answered = true;
      }
    }),
    // Each request is answered in order of completion; an error answers that request only, the stream goes on.
    ModelStreamInfer: bidiStreaming(
      (call) =>
        new Promise<void>((resolve) => {
          const pending = new Set<Promise<void>>();
          const abort = new AbortController();
          let ended = false;
          const finishIfDone = (): void => {
            if (ended && pending.size === 0) resolve();
          };
          call.on('cancelled', () => abort.abort());
          call.on('data', (req: ModelInferRequest__Output) => {
            const p = infer(req, call, abort.signal).then(
              (res) => {
                call.write({ error_message: '', infer_response: res });
              },
              (err: unknown) => {
                call.write({ error_message: toGrpcStatus(err).details, infer_response: { model_name: req.model_name, model_version: req.model_version, id: req.id } });
              },
            );
            pending.add(p);
            void p.finally(() => {
              pending.delete(p);
              finishIfDone();
            });
          });
          call.on('end', () => {
            ended = true;
            finishIfDone();
          });
          call.on('error', () => {
            ended = true;
            finishIfDone();
          });
        }),
    ),
    RepositoryIndex: unary(async (req, call) => {
      const principal = auth.authenticate(metadataHeader(call));
      return { models: await isolation.filter(principal, await state.repositoryIndex(req.ready), (row) => row.name) };
    }),
    RepositoryModelLoad: unary(async (req, call) => {
      isolation.requireAdmin(auth.authenticate(metadataHeader(call)), 'RepositoryModelLoad');
      await state.loadModel(req.model_name, deadlineOf(call, state.defaultTimeoutMs));
      return {};
    }),
    RepositoryModelUnload: unary(async (req, call) => {
      isolation.requireAdmin(auth.authenticate(metadataHeader(call)), 'RepositoryModelUnload');
      await state.unloadModel(req.model_name, deadlineOf(call, state.defaultTimeoutMs));
      return {};
    }),
    SystemSharedMemoryStatus: unimplemented('system shared memory'),
    SystemSharedMemoryRegister: unimplemented('system shared memory'),
    SystemSharedMemoryUnregister: unimplemented('system shared memory'),
    CudaSharedMemoryStatus: unimplemented('CUDA shared memory'),
    CudaSharedMemoryRegister: unimplemented('CUDA shared memory'),
    CudaSharedMemoryUnregister: unimplemented('CUDA shared memory'),
    TraceSetting: unimplemented('trace settings'),
    LogSettings: unimplemented('log settings'),
  };
}

export { NotFoundError };
