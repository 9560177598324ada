import { randomUUID } from 'node:crypto';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { DeadlineExceededError, InternalError, MaasError, UnavailableError, fromServiceError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import { inSpan, SpanKind, traceHeaders, tracingEnabled, trace, type Context } from '@maas/tracing';
import type { RegistryModelVersion } from '@maas/protos';
import type { CancelSignal, JobProducer, JobRequest, WireTensor } from '@maas/queue';
import { inferInputsAsRaw, type WireInputTensor } from '@maas/tensor';
import { authorizeModel, type Principal } from './auth';
import { requestLabels, requestOutcome, VersionSeriesCache, type GatewayMetrics, type VersionSeries } from './metrics';
import { pickTarget, type ModelCatalog } from './model-catalog';
import type { RateLimiter } from './rate-limit';
import type { StatisticsStore } from './statistics';
import { validateAgainstModel } from './validate';

/**
 * An inference parameter (inference.InferParameter) as both front doors carry it: one of its fields is set.
 * The gRPC decoded message (InferParameter__Output) and the REST codec's output both satisfy it.
 */
export interface InferParameter {
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
}

/** Named parameters of a request, tensor or response. */
export type InferParameters = Record<string, InferParameter>;

/** An input header of a request; its data is the matching raw_input_contents entry (or typed contents). */
export type InferInputTensor = WireInputTensor & { parameters?: InferParameters };

/** A requested output of a request. */
export interface InferRequestedOutput {
  name: string;
  parameters?: InferParameters;
}

/**
 * An inference request in protocol shape: the one type both front doors hand to InferenceService. The gRPC
 * decoded ModelInferRequest__Output satisfies it structurally, and the REST codec (parseInferRequest) builds
 * it, so the compiler checks both against it with no cast.
 */
export interface InferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters: InferParameters;
  inputs: readonly InferInputTensor[];
  outputs: readonly InferRequestedOutput[];
  raw_input_contents: readonly Buffer[];
}

/** The JSON value of an InferParameter (whichever field is set); undefined for an empty one. */
export function parameterValue(param: InferParameter): boolean | number | string | undefined {
  return param.bool_param ?? param.int64_param ?? param.string_param ?? param.double_param ?? param.uint64_param;
}

/** The answer, in protocol shape with every output's bytes in raw_output_contents. */
export interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  parameters: InferParameters;
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

/** Dependencies of the inference path (only the parts it uses, so tests can pass small fakes). */
export interface InferenceDeps {
  catalog: Pick<ModelCatalog, 'resolve'>;
  producer: Pick<JobProducer, 'submit'>;
  limiter: Pick<RateLimiter, 'take'>;
  metrics: GatewayMetrics;
  stats: Pick<StatisticsStore, 'success' | 'failure'>;
  queueMaxDepth: number;
  pipeline?: PipelineRunner;
  /** Log each answered request at info (an access log); otherwise at debug. Failures are always logged at info. */
  accessLog?: boolean;
}

/** Labels of the unlabeled inflight gauge: passed so prom-client does not make an empty object per call. */
const NO_LABELS = Object.freeze({});

/** The job parameters of a request without any (shared: nothing writes a job's parameters). */
const NO_PARAMETERS: Readonly<Record<string, string | number | boolean>> = Object.freeze({});

/**
 * The one inference path for gRPC, streaming and HTTP: rate limit, resolve (alias/canary), authorize,
 * decode and validate, optional preprocessing, enqueue and await the single reply, optional postprocessing.
 * Every failure is a named error with the right status; metrics and statistics record every outcome.
 * The success path builds no label objects: each version's series are bound once (VersionSeriesCache).
 */
export class InferenceService {
  private readonly series: VersionSeriesCache;

  constructor(private readonly deps: InferenceDeps) {
    this.series = new VersionSeriesCache(deps.metrics);
  }

  async infer(request: InferRequest, ctx: InferContext): Promise<InferResponse> {
    if (!tracingEnabled()) return this.inferUntraced(request, ctx);
    return inSpan('gateway infer', { kind: SpanKind.SERVER, attributes: { 'maas.model': request.model_name, 'maas.protocol': ctx.protocol } }, ctx.traceContext, () => this.inferUntraced(request, ctx));
  }

  private async inferUntraced(request: InferRequest, ctx: InferContext): Promise<InferResponse> {
    const started = performance.now();
    const { metrics } = this.deps;
    let target: RegistryModelVersion | undefined;
    metrics.inflight.inc(NO_LABELS, 1);
    try {
      await this.deps.limiter.take(ctx.principal);
      const resolved = await this.deps.catalog.resolve(request.model_name, request.model_version);
      authorizeModel(ctx.principal, resolved.model, resolved.ownerTenant);
      target = pickTarget(resolved);
      if (tracingEnabled()) trace.getActiveSpan()?.setAttributes({ 'maas.model': target.model, 'maas.version': String(target.version) });
      const series = this.series.of(target.model, target.version);
      const response = await this.run(target, series, request, ctx);
      const totalMs = performance.now() - started;
      series.ok[ctx.protocol].inc();
      series.requestSeconds.observe(totalMs / 1000);
      this.deps.stats.success(target.model, target.version, totalMs);
      // The log line's object is only built when it is written (debug is off in production).
      if (this.deps.accessLog) ctx.logger.info(answeredLine(target, request, totalMs), 'infer');
      else if (ctx.logger.isLevelEnabled('debug')) ctx.logger.debug(answeredLine(target, request, totalMs), 'infer');
      return response;
    } catch (err) {
      const totalMs = performance.now() - started;
      const outcome = requestOutcome(err);
      metrics.requests.inc({ ...requestLabels(target), outcome, protocol: ctx.protocol });
      if (target) this.deps.stats.failure(target.model, target.version, totalMs);
      ctx.logger.info({ model: target?.model ?? request.model_name, version: target ? String(target.version) : request.model_version, outcome, durationMs: round(totalMs), requestId: request.id, error: (err as Error).message }, 'infer');
      throw err;
    } finally {
      metrics.inflight.dec(NO_LABELS, 1);
    }
  }

  private async run(target: RegistryModelVersion, series: VersionSeries, request: InferRequest, ctx: InferContext): Promise<InferResponse> {
    const pipelineSpec = target.config?.pipeline_json ?? '';
    let inputs: WireTensor[];
    let outputNames: string[];
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
      outputNames = [];
    } else {
      // Checked (datatype, shape, size) but forwarded as the bytes that came in: no copy per request.
      inputs = inferInputsAsRaw(request.inputs, request.raw_input_contents);
      outputNames = request.outputs.map((o) => o.name);
      validateAgainstModel(target, inputs, outputNames);
    }
    if (ctx.deadlineUnixMs <= Date.now()) throw new DeadlineExceededError('deadline passed before the request was queued');
    const parameters = jobParameters(request.parameters);
    const priority = parameters['priority'];
    const job: JobRequest = {
      // Always our own id: a client's request id need not be unique (replies are matched by job id).
      id: randomUUID(),
      model: target.model,
      version: target.version,
      inputs,
      outputs: outputNames,
      parameters,
      deadlineUnixMs: ctx.deadlineUnixMs,
      priority: typeof priority === 'number' ? priority : 0,
    };
    if (tracingEnabled()) job.traceparent = traceHeaders()['traceparent'];
    const result = await this.deps.producer.submit(job, { maxDepth: target.config?.max_queue_depth || this.deps.queueMaxDepth, signal: ctx.signal });
    if (!result.ok) throw errorFromResult(result.code, result.message);
    let outputs = result.outputs;
    if (pipelineState && this.deps.pipeline) {
      const t0 = performance.now();
      outputs = await this.deps.pipeline.post(target, outputs, pipelineState, ctx);
      preMs += performance.now() - t0;
      series.preprocessSeconds.observe(preMs / 1000);
    }
    series.queueWaitSeconds.observe(result.queueWaitMs / 1000);
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

/** A request's parameters as job parameters (each InferParameter's value); no allocation when it has none. */
function jobParameters(params: InferParameters): Readonly<Record<string, string | number | boolean>> {
  let out: Record<string, string | number | boolean> | undefined;
  for (const key in params) {
    const v = parameterValue(params[key]!);
    if (v === undefined) continue;
    out ??= {};
    out[key] = v;
  }
  return out ?? NO_PARAMETERS;
}

/** The fields of the log line of an answered request. */
const answeredLine = (target: RegistryModelVersion, request: InferRequest, totalMs: number) => ({
  model: target.model,
  version: String(target.version),
  outcome: 'ok',
  durationMs: round(totalMs),
  requestId: request.id,
});

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** A worker's error reply as the named error of its status (so a worker's INVALID_ARGUMENT stays one). */
export function errorFromResult(code: number, message: string): MaasError {
  if (code === GrpcStatus.OK) return new InternalError(`worker replied with an error but status OK: ${message}`);
  return fromServiceError(Object.assign(new Error(message), { code, details: message, metadata: new Metadata() }));
}
