import { status as GrpcStatus } from '@grpc/grpc-js';
import { MaasError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import type { Delivery, JobConsumer, JobResult } from '@maas/queue';
import { traceBatch } from './batch-tracing';
import { BatchSizeTuner } from './batch-calibration';
import { planBatches, prepareJob, runJobs, type PreparedJob } from './inference';
import { newRunTiming, type InferenceStats } from './inference-stats';
import type { WorkerMetrics, JobOutcome } from './metrics';
import type { LoadedModel, ModelCache } from './model-cache';
import type { VersionInfo } from './model-source';

/** What a VersionWorker needs from the process. */
export interface VersionWorkerDeps {
  consumer: JobConsumer;
  cache: ModelCache;
  metrics: WorkerMetrics;
  logger: Logger;
  workerId: string;
  readBlockMs: number;
  /** ModelStatistics counters (queue and compute phases per executed batch). */
  stats?: InferenceStats;
  /** Cap runs at the batch size fastest per item (batch-calibration.ts); false: max_batch_size (default true). */
  batchTuning?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A reply that failed (Redis unreachable) is sent again this often, this many times (~5 s in all). */
const REPLY_RETRY_MS = 500;
const REPLY_RETRIES = 10;

/**
 * Serves one model version: runs the batches the worker's read loop hands it (jobs of this version read
 * together: the queue's work-conserving batches), replies per job. A batch is split by what can be stacked and
 * by max_batch_size; a run that throws is retried job by job so one poison input cannot fail its neighbours; a
 * job that fails alone goes back to the queue until it reaches the delivery limit and is dead-lettered. stop()
 * waits for the batch in progress; jobs handed over after it are released, so nothing is lost.
 */
export class VersionWorker {
  private stopping = false;
  private busy: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private tuner: BatchSizeTuner | undefined;
  private tunedSession: unknown;
  /** Metric labels made once: the hot path builds no label object per job or batch. */
  private readonly labels: { model: string; version: string };
  /** `labels` plus an outcome, and plus an execution provider, made once per value. */
  private readonly outcomeLabels = new Map<string, Record<string, string>>();
  private readonly computeLabels = new Map<string, Record<string, string>>();

  constructor(private readonly deps: VersionWorkerDeps, private info: VersionInfo) {
    this.log = deps.logger.child({ model: info.model, version: info.version });
    this.labels = { model: info.model, version: String(info.version) };
  }

  /** The version served, with its current settings. */
  get version(): VersionInfo {
    return this.info;
  }

  /** True once stop() was called. */
  get stopped(): boolean {
    return this.stopping;
  }

  /** New settings (config changed); applies from the next batch. */
  update(info: VersionInfo): void {
    this.info = info;
  }

  /** Waits for the batch in progress; later batches are released to other workers. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.busy;
  }

  /** Jobs read per read: max_batch_size with a batch dim (the queue takes what is waiting, up to it), else 1. */
  batchLimit(): number {
    const { maxBatchSize } = this.info.settings;
    return this.info.batchDim && maxBatchSize > 0 ? maxBatchSize : 1;
  }

  /** Runs jobs read for this version (released instead when stopping). */
  handle(batch: Delivery[]): Promise<void> {
    const run = this.busy.then(() => (this.stopping ? this.releaseAll(batch) : this.process(batch)));
    this.busy = run.catch(() => undefined);
    return run;
  }

  /** Puts jobs back for other workers (draining, or read for a version no longer served). */
  async releaseAll(batch: readonly Delivery[]): Promise<void> {
    for (const d of batch) {
      await this.deps.consumer.release(d).catch((err: unknown) => this.log.warn({ err, jobId: d.job.id }, 'release failed; the job returns after the visibility timeout'));
      this.count('released');
    }
    if (batch.length > 0) this.log.info({ jobs: batch.length }, 'released gathered jobs to other workers (draining)');
  }

  private count(outcome: JobOutcome, n = 1): void {
    this.deps.metrics.jobs.inc(this.labelsWith(this.outcomeLabels, 'outcome', outcome), n);
  }

  /** `labels` plus one more label, from `cache` (made on its value's first use). */
  private labelsWith(cache: Map<string, Record<string, string>>, name: string, value: string): Record<string, string> {
    let labels = cache.get(value);
    if (!labels) cache.set(value, (labels = { ...this.labels, [name]: value }));
    return labels;
  }

  private async process(batch: Delivery[]): Promise<void> {
    let model: LoadedModel;
    try {
      model = await this.deps.cache.acquire(this.info);
    } catch (err) {
      this.log.error({ err }, 'model could not be loaded');
      const code = err instanceof MaasError ? err.code : GrpcStatus.UNAVAILABLE;
      await Promise.all(batch.map((d) => this.failJob(d, code, `model ${this.info.model} v${this.info.version} could not be loaded: ${(err as Error).message}`)));
      return;
    }
    try {
      const prepared: Array<{ delivery: Delivery; job: PreparedJob }> = [];
      for (const delivery of batch) {
        try {
          prepared.push({ delivery, job: prepareJob(delivery.job, model.session, this.info.batchDim) });
        } catch (err) {
          await this.answer(delivery, { jobId: delivery.job.id, ok: false, code: GrpcStatus.INVALID_ARGUMENT, message: (err as Error).message, workerId: this.deps.workerId }, 'invalid');
        }
      }
      const groups = planBatches(prepared.map((p) => p.job), this.tunerFor(model)?.next() ?? this.batchLimit(), this.info.batchDim);
      for (const group of groups) await this.runGroup(model, group.map((i) => prepared[i]!));
    } finally {
      this.deps.cache.release(model);
    }
  }

  /**
   * The batch-size tuner of a batching version (batch-calibration.ts): caps runs at the batch size fastest per
   * item, learnt from the runs themselves and seeded by the load's calibration. A new max_batch_size or a newly
   * loaded session starts it again.
   */
  private tunerFor(model: LoadedModel): BatchSizeTuner | undefined {
    const limit = this.batchLimit();
    if (limit <= 1 || this.deps.batchTuning === false) return undefined;
    if (this.tuner?.maxBatchSize !== limit || this.tunedSession !== model.session) {
      this.tuner = new BatchSizeTuner(limit);
      this.tunedSession = model.session;
      if (model.calibration) this.tuner.seed(model.calibration);
    }
    return this.tuner;
  }

  private async runGroup(model: LoadedModel, group: Array<{ delivery: Delivery; job: PreparedJob }>): Promise<void> {
    const startedMs = Date.now();
    const started = process.hrtime.bigint();
    let outputs;
    const timing = newRunTiming();
    try {
      outputs = await traceBatch(this.labels, model.executionProvider, group.map((g) => g.delivery), startedMs, () => runJobs(model.session, group.map((g) => g.job), timing));
    } catch (err) {
      const message = (err as Error).message;
      if (group.length > 1) {
        this.log.warn({ jobs: group.length, err: message }, 'batch failed; running its jobs one by one to isolate the bad input');
        for (const one of group) await this.runGroup(model, [one]);
        return;
      }
      const d = group[0]!.delivery;
      this.log.warn({ jobId: d.job.id, deliveryCount: d.deliveryCount, err: message }, 'model failed on a job');
      await this.failJob(d, GrpcStatus.INTERNAL, `model ${this.info.model} v${this.info.version} failed on this input: ${message}`);
      return;
    }
    const computeMs = Number(process.hrtime.bigint() - started) / 1e6;
    const { metrics } = this.deps;
    if (this.tuner && this.tunedSession === model.session) {
      this.tuner.record(group.reduce((n, g) => n + g.job.rows, 0), timing.inferNs / 1e6);
      metrics.batchCap.set(this.labels, this.tuner.cap);
    }
    metrics.addBusy(computeMs);
    metrics.batchSize.observe(this.labels, group.length);
    metrics.computeSeconds.observe(this.labelsWith(this.computeLabels, 'execution_provider', model.executionProvider), computeMs / 1000);
    const answers = group.map(({ delivery }, i) => {
      const queueWaitMs = Math.max(0, startedMs - delivery.enqueuedUnixMs);
      metrics.queueWaitSeconds.observe(this.labels, queueWaitMs / 1000);
      const result: JobResult = { jobId: delivery.job.id, ok: true, outputs: outputs[i]!, workerId: this.deps.workerId, batchSize: group.length, queueWaitMs, computeMs, executionProvider: model.executionProvider };
      return { delivery, result };
    });
    this.deps.stats?.recordExecution(this.info.model, this.info.version, answers.map((a) => a.result.ok ? a.result.queueWaitMs * 1e6 : 0), group.reduce((n, g) => n + g.job.rows, 0), timing);
    // One pipelined write for the whole batch's replies (each still acks its own job atomically).
    await this.answerAll(answers, 'ok');
  }

  private async failJob(delivery: Delivery, code: number, message: string): Promise<void> {
    try {
      const outcome = await this.deps.consumer.fail(delivery, { code, message });
      this.count(outcome === 'retried' ? 'retried' : 'dead_lettered');
    } catch (err) {
      this.log.warn({ err, jobId: delivery.job.id }, 'could not requeue a failed job; it returns after the visibility timeout');
      this.count('error');
    }
  }

  private answer(delivery: Delivery, result: JobResult, outcome: JobOutcome): Promise<void> {
    return this.answerAll([{ delivery, result }], outcome);
  }

  /** Sends the results and counts each job under `outcome`, or under `error` when its reply failed. */
  private async answerAll(answers: ReadonlyArray<{ delivery: Delivery; result: JobResult }>, outcome: JobOutcome): Promise<void> {
    let todo = answers;
    let answered = 0;
    // Redis away for a moment (a restart, a Sentinel failover): send the computed answers again once it is
    // back, rather than leave the jobs pending until the visibility timeout. Bounded, and never past a deadline.
    for (let attempt = 0; ; attempt++) {
      const errors = await this.deps.consumer.replyAll(todo);
      answered += errors.filter((e) => e === undefined).length;
      const failed = todo.filter((_, i) => errors[i] !== undefined);
      const retryable = failed.filter((a) => a.delivery.job.deadlineUnixMs === 0 || a.delivery.job.deadlineUnixMs > Date.now() + REPLY_RETRY_MS);
      if (failed.length === 0 || retryable.length === 0 || attempt >= REPLY_RETRIES || this.stopping) {
        for (const a of failed) {
          // Not acked: another worker will take it after the visibility timeout (at least once).
          this.log.warn({ err: errors[todo.indexOf(a)], jobId: a.delivery.job.id }, 'reply failed; the job will be redelivered');
        }
        if (failed.length > 0) this.count('error', failed.length);
        break;
      }
      todo = retryable;
      if (retryable.length < failed.length) this.count('error', failed.length - retryable.length);
      await sleep(REPLY_RETRY_MS);
    }
    if (answered > 0) this.count(outcome, answered);
  }
}
