import { randomUUID } from 'node:crypto';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { DeadlineExceededError, InternalError, MaasError, UnavailableError, fromServiceError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { inSpan, SpanKind, traceHeaders, tracingEnabled, trace, type Context } from '@maas/tracing';
import type { RegistryModelVersion } from '@maas/protos';
import type { CancelSignal, JobProducer, WireTensor } from '@maas/queue';
import { inferInputsAsRaw, type WireInputTensor } from '@maas/tensor';
import { authorizeModel, type Principal } from './auth';
import { requestLabels, requestOutcome, type GatewayMetrics } from './metrics';
import { pickTarget, type ModelCatalog } from './model-catalog';
import type { RateLimiter } from './rate-limit';
import type { StatisticsStore } from './statistics';
import { validateAgainstModel } from './validate';

/** A parameter value as the protocol carries it (one field of inference.InferParameter). */
export interface ParameterValue {
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
}

/** An inference request in protocol shape (what gRPC decodes and the REST codec produces). */
export interface InferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, ParameterValue>;
  inputs: ReadonlyArray<WireInputTensor & { parameters?: Record<string, ParameterValue> }>;
  outputs: ReadonlyArray<{ name: string; parameters?: Record<string, ParameterValue> }>;
  raw_input_contents: readonly Buffer[];
}

/** The answer, in protocol shape with every output's bytes in raw_output_contents. */
export interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, ParameterValue>;
  outputs: Array<{ name: string; datatype: string; shape: number[] }>;
  raw_output_contents: Buffer[];
}

/** Who is asking, until when, and how to cancel. */
export interface InferContext {
  principal: Principal;
  deadlineUnixMs: number;
  signal?: CancelSignal;
  protocol: 'grpc' | 'http';
  logger: Logger;
  /** The caller's trace context (W3C traceparent from gRPC metadata or HTTP headers), when tracing is on. */
  traceContext?: Context;
}

/** What preprocessing hands to postprocessing for one request: which items made it into the batch. */
export interface PipelineState {
  itemCount: number;
  keptItems: number[];
  dropped: unknown[];
}

/** Turns pre/post-processing on for versions that declare a pipeline (implemented over the preprocess service). */
export interface PipelineRunner {
  /** Raw inputs (one BYTES tensor, an element per item) → model input tensors. */
  pre(version: RegistryModelVersion, inputs: readonly WireTensor[], ctx: InferContext): Promise<{ tensors: WireTensor[]; state: PipelineState }>;
  /** Model outputs → final answer tensors. */
  post(version: RegistryModelVersion, outputs: readonly WireTensor[], state: PipelineState, ctx: InferContext): Promise<WireTensor[]>;
}

const paramValue = (p: ParameterValue): string | number | boolean | undefined =>
  p.bool_param ?? p.string_param ?? p.int64_param ?? p.double_param ?? p.uint64_param;

/** Dependencies of the inference path. */
export interface InferenceDeps {
  catalog: ModelCatalog;
  producer: JobProducer;
  limiter: RateLimiter;
  metrics: GatewayMetrics;
  stats: StatisticsStore;
  queueMaxDepth: number;
  pipeline?: PipelineRunner;
  /** Log each answered request at info (an access log); otherwise at debug. Failures are always logged at info. */
  accessLog?: boolean;
}

/**
 * The one inference path for gRPC, streaming and HTTP: rate limit, resolve (alias/canary), authorize,
 * decode and validate, optional preprocessing, enqueue and await the single reply, optional postprocessing.
 * Every failure is a named error with the right status; metrics and statistics record every outcome.
 */
export class InferenceService {
  constructor(private readonly deps: InferenceDeps) {}

  async infer(request: InferRequest, ctx: InferContext): Promise<InferResponse> {
    if (!tracingEnabled()) return this.inferUntraced(request, ctx);
    return inSpan('gateway infer', { kind: SpanKind.SERVER, attributes: { 'maas.model': request.model_name, 'maas.protocol': ctx.protocol } }, ctx.traceContext, () => this.inferUntraced(request, ctx));
  }

  private async inferUntraced(request: InferRequest, ctx: InferContext): Promise<InferResponse> {
    const started = performance.now();
    const { metrics } = this.deps;
    let target: RegistryModelVersion | undefined;
    metrics.inflight.inc();
    try {
      await this.deps.limiter.take(ctx.principal);
      const resolved = await this.deps.catalog.resolve(request.model_name, request.model_version);
      authorizeModel(ctx.principal, resolved.model, resolved.ownerTenant);
      target = pickTarget(resolved);
      if (tracingEnabled()) trace.getActiveSpan()?.setAttributes({ 'maas.model': target.model, 'maas.version': String(target.version) });
      const response = await this.run(target, request, ctx);
      const totalMs = performance.now() - started;
      const labels = requestLabels(target);
      metrics.requests.inc({ ...labels, outcome: requestOutcome(), protocol: ctx.protocol });
      metrics.requestSeconds.observe(labels, totalMs / 1000);
      this.deps.stats.success(target.model, target.version, totalMs);
      if (this.deps.accessLog) ctx.logger.info({ ...labels, outcome: 'ok', durationMs: round(totalMs), requestId: request.id }, 'infer');
      else ctx.logger.debug({ ...labels, outcome: 'ok', durationMs: round(totalMs), requestId: request.id }, 'infer');
      return response;
    } catch (err) {
      const totalMs = performance.now() - started;
      const outcome = requestOutcome(err);
      metrics.requests.inc({ ...requestLabels(target), outcome, protocol: ctx.protocol });
      if (target) this.deps.stats.failure(target.model, target.version, totalMs);
      ctx.logger.info({ model: target?.model ?? request.model_name, version: target ? String(target.version) : request.model_version, outcome, durationMs: round(totalMs), requestId: request.id, error: (err as Error).message }, 'infer');
      throw err;
    } finally {
      metrics.inflight.dec();
    }
  }

  private async run(target: RegistryModelVersion, request: InferRequest, ctx: InferContext): Promise<InferResponse> {
    const pipelineSpec = target.config?.pipeline_json ?? '';
    let inputs: WireTensor[];
    let preMs = 0;
    let pipelineState: PipelineState | undefined;
    if (pipelineSpec !== '') {
      if (!this.deps.pipeline) throw new UnavailableError(`model "${target.model}" needs preprocessing and no preprocess service is configured`);
      const raw = inferInputsAsRaw(request.inputs, request.raw_input_contents);
      const t0 = performance.now();
      const pre = await this.deps.pipeline.pre(target, raw, ctx);
      inputs = pre.tensors;
      pipelineState = pre.state;
      preMs += performance.now() - t0;
    } else {
      // Checked (datatype, shape, size) but forwarded as the bytes that came in: no copy per request.
      inputs = inferInputsAsRaw(request.inputs, request.raw_input_contents);
      validateAgainstModel(target, inputs, request.outputs.map((o) => o.name));
    }
    if (ctx.deadlineUnixMs <= Date.now()) throw new DeadlineExceededError('deadline passed before the request was queued');
    const parameters: Record<string, string | number | boolean> = {};
    for (const [k, p] of Object.entries(request.parameters)) {
      const v = paramValue(p);
      if (v !== undefined) parameters[k] = v;
    }
    const maxDepth = target.config?.max_queue_depth || this.deps.queueMaxDepth;
    const result = await this.deps.producer.submit(
      {
        // Always our own id: a client's request id need not be unique (replies are matched by job id).
        id: randomUUID(),
        model: target.model,
        version: target.version,
        inputs,
        outputs: pipelineSpec !== '' ? [] : request.outputs.map((o) => o.name),
        parameters,
        deadlineUnixMs: ctx.deadlineUnixMs,
        priority: typeof parameters['priority'] === 'number' ? parameters['priority'] : 0,
        ...(tracingEnabled() ? { traceparent: traceHeaders()['traceparent'] } : {}),
      },
      { maxDepth, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    );
    if (!result.ok) throw errorFromResult(result.code, result.message);
    let outputs = result.outputs;
    if (pipelineState && this.deps.pipeline) {
      const t0 = performance.now();
      outputs = await this.deps.pipeline.post(target, outputs, pipelineState, ctx);
      preMs += performance.now() - t0;
      this.deps.metrics.preprocessSeconds.observe({ model: target.model, version: String(target.version) }, preMs / 1000);
    }
    this.deps.metrics.queueWaitSeconds.observe({ model: target.model, version: String(target.version) }, result.queueWaitMs / 1000);
    return {
      model_name: target.model,
      model_version: String(target.version),
      id: request.id,
      parameters: { executed_on: { string_param: result.executionProvider } },
      outputs: outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape })),
      raw_output_contents: outputs.map((o) => o.data),
    };
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** A worker's error reply as the named error of its status (so a worker's INVALID_ARGUMENT stays one). */
export function errorFromResult(code: number, message: string): MaasError {
  if (code === GrpcStatus.OK) return new InternalError(`worker replied with an error but status OK: ${message}`);
  return fromServiceError(Object.assign(new Error(message), { code, details: message, metadata: new Metadata() }));
}
