import { BATCH_SIZE_BUCKETS, Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '@maas/metrics';

/** How a job ended on this worker (label `outcome` of maas_worker_jobs_total; lower snake case like the gateway's). */
export type JobOutcome = 'ok' | 'invalid' | 'retried' | 'dead_lettered' | 'expired' | 'released' | 'error' | 'orphaned';

/** The worker's Prometheus metrics. Labels are bounded: model, version, outcome, execution_provider. */
export class WorkerMetrics {
  readonly batchSize: Histogram<'model' | 'version'>;
  readonly queueWaitSeconds: Histogram<'model' | 'version'>;
  readonly computeSeconds: Histogram<'model' | 'version' | 'execution_provider'>;
  readonly modelLoadSeconds: Histogram<'model' | 'version'>;
  readonly modelLoadedBytes: Gauge<'model' | 'version'>;
  readonly modelsLoaded: Gauge<'execution_provider'>;
  readonly batchCap: Gauge<'model' | 'version'>;
  readonly jobs: Counter<'model' | 'version' | 'outcome'>;
  readonly redeliveries: Counter<'model' | 'version'>;
  readonly deadLetters: Counter<'model' | 'version'>;
  readonly modelEvictions: Counter<'model' | 'version' | 'reason'>;
  readonly queueDepth: Gauge<'model' | 'version'>;
  readonly queueOldestJobAgeSeconds: Gauge<'model' | 'version'>;
  readonly executionProviderFallbacks: Counter<'requested' | 'used'>;
  readonly busySeconds: Counter;
  readonly modelLoadFailures: Counter<'model' | 'version'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const mv = ['model', 'version'] as const;
    this.batchSize = new Histogram({ name: 'maas_batch_size', help: 'Jobs per session.run.', labelNames: mv, buckets: [...BATCH_SIZE_BUCKETS], registers });
    this.queueWaitSeconds = new Histogram({ name: 'maas_queue_wait_seconds', help: 'Time from enqueue to the start of compute.', labelNames: mv, buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    this.computeSeconds = new Histogram({ name: 'maas_compute_duration_seconds', help: 'Duration of one session.run (a whole batch).', labelNames: [...mv, 'execution_provider'], buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    this.modelLoadSeconds = new Histogram({ name: 'maas_model_load_duration_seconds', help: 'Artifact fetch plus ORT session creation.', labelNames: mv, buckets: [...LATENCY_BUCKETS_SECONDS], registers });
    this.modelLoadedBytes = new Gauge({ name: 'maas_model_loaded_bytes', help: 'Bytes (artifact size) of each loaded model; the series goes away when it is unloaded.', labelNames: mv, registers });
    this.batchCap = new Gauge({ name: 'maas_worker_batch_cap', help: 'Largest batch a run stacks for each batching model: the batch size fastest per item, learnt from the runs and seeded by calibration at load (MAAS_WORKER_BATCH_CALIBRATION_MS); at most max_batch_size.', labelNames: mv, registers });
    this.modelsLoaded = new Gauge({ name: 'maas_models_loaded', help: 'Loaded model versions by the execution provider they actually run on.', labelNames: ['execution_provider'], registers });
    this.jobs = new Counter({ name: 'maas_worker_jobs_total', help: 'Jobs handled by this worker, by outcome.', labelNames: [...mv, 'outcome'], registers });
    this.redeliveries = new Counter({ name: 'maas_worker_redeliveries_total', help: 'Jobs this worker took over from a worker that held them past the visibility timeout.', labelNames: mv, registers });
    this.deadLetters = new Counter({ name: 'maas_dead_letters_total', help: 'Jobs this worker moved to the dead-letter stream.', labelNames: mv, registers });
    this.modelEvictions = new Counter({ name: 'maas_model_evictions_total', help: 'Models unloaded, by reason (lru, idle, removed, reload).', labelNames: [...mv, 'reason'], registers });
    this.queueDepth = new Gauge({ name: 'maas_queue_depth', help: 'Jobs in the stream of a served version (waiting + in flight).', labelNames: mv, registers });
    this.queueOldestJobAgeSeconds = new Gauge({ name: 'maas_queue_oldest_job_age_seconds', help: 'Age of the oldest job in the stream of a served version.', labelNames: mv, registers });
    this.executionProviderFallbacks = new Counter({ name: 'maas_execution_provider_fallbacks_total', help: 'Sessions that could not start on the requested provider and run on another.', labelNames: ['requested', 'used'], registers });
    this.busySeconds = new Counter({ name: 'maas_worker_busy_seconds_total', help: 'Seconds spent in session.run (summed over concurrent runs); its rate is the busy share.', registers });
    this.modelLoadFailures = new Counter({ name: 'maas_model_load_failures_total', help: 'Model loads that failed (artifact fetch, session creation, or bigger than the memory budget).', labelNames: mv, registers });
  }

  /** Records time spent computing (maas_worker_busy_seconds_total). */
  addBusy(ms: number): void {
    this.busySeconds.inc(ms / 1000);
  }

  /** Drops the per-version gauges of a version this worker no longer serves (stale values would feed alerts). */
  removeVersion(model: string, version: number): void {
    const labels = { model, version: String(version) };
    this.queueDepth.remove(labels);
    this.queueOldestJobAgeSeconds.remove(labels);
    this.modelLoadedBytes.remove(labels);
  }
}
