export { loadTracingConfig, type TracingConfig } from './tracing-config';
export {
  activeTraceId,
  contextFromHeaders,
  contextFromTraceparent,
  initTracing,
  inSpan,
  maasTracer,
  traceHeaders,
  tracingEnabled,
  type HeaderGetter,
  type Tracing,
} from './tracing';
export { SpanKind, SpanStatusCode, trace, context, type Context, type Link, type Span } from '@opentelemetry/api';
