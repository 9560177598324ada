import { Counter, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '@maas/metrics';

/** The preprocessing service's metrics. `model` is the registry model name, or "inline" for inline specs. */
export interface PreprocessMetrics {
  /** maas_preprocess_duration_seconds{model,step_kind}: each step's time for a whole batch. */
  stepSeconds: Histogram<'model' | 'step_kind'>;
  /** maas_preprocess_failures_total{model,reason}: refused items and failed loads, by reason. */
  failures: Counter<'model' | 'reason'>;
  /** maas_preprocess_pipeline_loads_total{outcome}: pipelines fetched from the registry (cache misses). */
  pipelineLoads: Counter<'outcome'>;
}

/** Registers the service's metrics on its registry. */
export function createPreprocessMetrics(registry: Registry): PreprocessMetrics {
  return {
    stepSeconds: new Histogram({
      name: 'maas_preprocess_duration_seconds',
      help: 'Time one pipeline step took for a whole request batch, by model and step kind (decode, resize, tokenize, softmax, ...).',
      labelNames: ['model', 'step_kind'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'maas_preprocess_failures_total',
      help: 'Pre/post-processing calls refused or failed, by model and reason (corrupt_image, empty_text, missing_column, wrong_type, bad_spec, ...).',
      labelNames: ['model', 'reason'],
      registers: [registry],
    }),
    pipelineLoads: new Counter({
      name: 'maas_preprocess_pipeline_loads_total',
      help: 'Pipelines loaded from the registry (spec and side files) on a cache miss, by outcome (ok, error).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
