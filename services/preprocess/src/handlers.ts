import { InvalidArgumentError, MaasError } from '@maas/errors';
import type { Metadata } from '@grpc/grpc-js';
import { unary } from '@maas/grpc-kit';
import { contextFromHeaders, inSpan, SpanKind, tracingEnabled } from '@maas/tracing';
import { ItemError, type StepObserver } from '@maas/pipeline';
import type {
  DescribePipelineRequest__Output,
  DescribePipelineResponse,
  PostprocessRequest__Output,
  PostprocessResponse,
  PreprocessorHandlers,
  PreprocessRequest__Output,
  PreprocessResponse,
} from '@maas/protos';
import type { PreprocessMetrics } from './metrics';
import type { PipelineSource } from './pipeline-source';
import { droppedFromWire, droppedToWire, rawItemFromWire, resultToWire, tensorFromWire, tensorToWire } from './wire';

/** What the RPC handlers need. */
export interface HandlerDeps {
  source: PipelineSource;
  metrics: PreprocessMetrics;
  maxItems: number;
}

/** The failure reason a metric records for an error. */
function reasonOf(err: unknown): string {
  if (err instanceof ItemError) return err.reason;
  if (err instanceof InvalidArgumentError) return err.message.startsWith('pipeline spec') ? 'bad_spec' : 'invalid_argument';
  if (err instanceof MaasError) return err.name.replace(/Error$/, '').replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());
  return 'internal';
}

/** Runs fn, counting a failure under the model label before rethrowing it. */
/** Runs a handler inside a server span joined to the caller's trace (W3C traceparent in the metadata); plain when tracing is off. */
function traced<T>(name: string, call: { metadata: Metadata }, fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  const parent = contextFromHeaders((h) => {
    const v = call.metadata.get(h)[0];
    return v === undefined ? undefined : String(v);
  });
  return inSpan(name, { kind: SpanKind.SERVER }, parent, fn);
}

async function counted<T>(deps: HandlerDeps, model: () => string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    deps.metrics.failures.inc({ model: model(), reason: reasonOf(err) });
    throw err;
  }
}

function observer(deps: HandlerDeps, model: string): StepObserver {
  return (op, seconds) => deps.metrics.stepSeconds.observe({ model, step_kind: op }, seconds);
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The maas.preprocess.v1.Preprocessor handlers. */
export function preprocessHandlers(deps: HandlerDeps): PreprocessorHandlers {
  const labelOf = (ref: { model: string; spec_json: string } | null): string => (ref && ref.spec_json === '' && ref.model !== '' ? ref.model : 'inline');
  return {
    Preprocess: unary<PreprocessRequest__Output, PreprocessResponse>(async (req, call) => {
      let model = labelOf(req.pipeline);
      return traced('preprocess', call, () => counted(deps, () => model, async () => {
        if (req.items.length > deps.maxItems) throw new InvalidArgumentError(`items: at most ${deps.maxItems} per call, got ${req.items.length}`);
        const { pipeline, modelLabel } = await deps.source.resolve(req.pipeline);
        model = modelLabel;
        const started = process.hrtime.bigint();
        const items = req.items.map((item, i) => rawItemFromWire(item, i));
        const result = await pipeline.preprocess(items, observer(deps, modelLabel));
        return {
          tensors: result.tensors.map(tensorToWire),
          kept_items: result.keptItems,
          dropped: result.dropped.map(droppedToWire),
          duration_seconds: seconds(started),
        };
      }));
    }),

    Postprocess: unary<PostprocessRequest__Output, PostprocessResponse>(async (req, call) => {
      let model = labelOf(req.pipeline);
      return traced('postprocess', call, () => counted(deps, () => model, async () => {
        const { pipeline, modelLabel } = await deps.source.resolve(req.pipeline);
        model = modelLabel;
        const started = process.hrtime.bigint();
        const outputs = req.outputs.map(tensorFromWire);
        const rows = outputs[0]?.shape[0] ?? 0;
        const kept = req.kept_items.length > 0 ? req.kept_items : Array.from({ length: rows }, (_, i) => i);
        const itemCount = req.item_count > 0 ? req.item_count : kept.length;
        if (itemCount > deps.maxItems) throw new InvalidArgumentError(`item_count: at most ${deps.maxItems}, got ${itemCount}`);
        const dropped = new Map(req.dropped.map((d) => [d.item, droppedFromWire(d)]));
        const { placed, tensors } = await pipeline.answer(outputs, kept, itemCount, [...dropped.values()], observer(deps, modelLabel));
        return {
          results: placed.map((r, i) => resultToWire(r, r === undefined ? dropped.get(i) : undefined)),
          tensors: tensors.map(tensorToWire),
          duration_seconds: seconds(started),
        };
      }));
    }),

    DescribePipeline: unary<DescribePipelineRequest__Output, DescribePipelineResponse>(async (req) => {
      const { pipeline } = await deps.source.resolve(req.pipeline);
      const d = pipeline.describe();
      return { input_kind: pipeline.spec.input.kind, inputs: d.inputs, model_inputs: d.modelInputs, outputs: d.outputs, spec_json: JSON.stringify(pipeline.spec) };
    }),
  };
}
