import { context, propagation, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { loadTracingConfig, type TracingConfig } from './tracing-config';

/** The process's tracing: whether it is on, and how to flush and stop it at shutdown. */
export interface Tracing {
  readonly enabled: boolean;
  readonly config: TracingConfig;
  /** Exports what is buffered and stops; a no-op when tracing is off. */
  shutdown(): Promise<void>;
}

let enabled = false;

/** Whether tracing is on in this process. Hot paths test this first, so that off costs one branch. */
export function tracingEnabled(): boolean {
  return enabled;
}

function samplerOf(c: TracingConfig): Sampler {
  switch (c.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(c.samplerRatio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(c.samplerRatio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Starts tracing for a service from the OTEL_* variables: the OpenTelemetry SDK with an OTLP/HTTP exporter
 * (protobuf or JSON), batched export, W3C trace context, async context propagation. With no endpoint set it
 * installs nothing and every helper here returns at once.
 */
export function initTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  const config = loadTracingConfig(service, env);
  if (!config.enabled) return { enabled: false, config, shutdown: async () => undefined };
  const exporter: SpanExporter = config.protocol === 'http/json' ? new OtlpJsonExporter() : new OtlpProtoExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
    sampler: samplerOf(config),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  enabled = true;
  return {
    enabled: true,
    config,
    shutdown: async () => {
      enabled = false;
      await provider.shutdown();
    },
  };
}

/** The tracer every maas span comes from. */
export function maasTracer(): Tracer {
  return trace.getTracer('maas');
}

/** A header lookup: gRPC metadata or HTTP headers, first value of a name (lower-case). */
export type HeaderGetter = (name: string) => string | undefined;

/** The context a caller sent (W3C `traceparent` / `tracestate` headers); the root context when none or off. */
export function contextFromHeaders(header: HeaderGetter): Context {
  if (!enabled) return context.active();
  return propagation.extract(context.active(), {}, { keys: () => ['traceparent', 'tracestate'], get: (_c, key) => header(key) });
}

/** The context of a `traceparent` string carried in a job; the root context when absent. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!enabled || !traceparent) return context.active();
  return contextFromHeaders((name) => (name === 'traceparent' ? traceparent : undefined));
}

/** Headers that carry `ctx` (default: the active context) to the next hop: `{ traceparent, tracestate? }`, or {} when off. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  if (!enabled) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The trace id of the active span (for log lines), or undefined when off or outside a span. */
export function activeTraceId(): string | undefined {
  if (!enabled) return undefined;
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/**
 * Runs `fn` inside a span (child of `parent`, default the active context) and ends it, recording an error and
 * ERROR status if `fn` throws. With tracing off it just calls `fn(undefined)`.
 */
export async function inSpan<T>(name: string, options: SpanOptions, parent: Context | undefined, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!enabled) return fn(undefined);
  return maasTracer().startActiveSpan(name, options, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: 2, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
