import type { Delivery } from '@maas/queue';
import { contextFromTraceparent, context, inSpan, maasTracer, SpanKind, trace, tracingEnabled, type Link } from '@maas/tracing';

/**
 * Runs one session.run of a batch inside the worker's spans, when tracing is on (otherwise it just runs):
 * - `worker queue wait` per job, in the caller's trace (from the job's traceparent), enqueue → batch start;
 * - `worker batch`, linked to every request in it (its parent is the first one's, so a batch of one is a single
 *   trace end to end), with the batch size;
 * - `worker compute` under it, around the ORT run itself.
 */
export function traceBatch<T>(labels: { model: string; version: string }, executionProvider: string, deliveries: readonly Delivery[], batchStartUnixMs: number, run: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return run();
  const tracer = maasTracer();
  const attributes = { 'maas.model': labels.model, 'maas.version': labels.version };
  const links: Link[] = [];
  let parent = context.active();
  for (const [i, d] of deliveries.entries()) {
    if (!d.job.traceparent) continue;
    const ctx = contextFromTraceparent(d.job.traceparent);
    const spanContext = trace.getSpanContext(ctx);
    if (!spanContext) continue;
    if (links.length === 0) parent = ctx;
    links.push({ context: spanContext, attributes: { 'maas.job_index': i } });
    tracer.startSpan('worker queue wait', { kind: SpanKind.CONSUMER, startTime: d.enqueuedUnixMs, attributes: { ...attributes, 'maas.delivery_count': d.deliveryCount } }, ctx).end(Math.max(d.enqueuedUnixMs, batchStartUnixMs));
  }
  return inSpan('worker batch', { kind: SpanKind.CONSUMER, links, attributes: { ...attributes, 'maas.batch_size': deliveries.length } }, parent, () =>
    inSpan('worker compute', { attributes: { ...attributes, 'maas.execution_provider': executionProvider } }, undefined, run),
  );
}
