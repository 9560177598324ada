import type { Logger } from '@maas/logging';
import { decide, initialDecisionState, type DecisionState } from './decision';
import type { DeploymentScale, ScaleEvent } from './kube-scale';
import { countDecision, type ScalerErrorStage, type ScalerMetrics } from './metrics';
import type { PoolPolicy } from './policy';
import type { PoolQueueSample } from './queue-signals';
import { ThroughputTracker } from './throughput';

/**
 * The scaler's tick: for every pool, read its queue signals and its Deployment's scale, decide, and —
 * only while this instance is the leader — patch the scale and record an Event. Dry-run logs and records
 * the decision without patching. Pools are independent: one failing pool does not stop the others.
 */

/** What the loop needs from Kubernetes (KubeScaleClient in production). */
export interface ScaleTarget {
  readScale(deployment: string): Promise<DeploymentScale>;
  patchReplicas(deployment: string, replicas: number): Promise<DeploymentScale>;
  recordEvent(event: ScaleEvent): Promise<void>;
}

/** What the loop needs from Redis (QueueSignalReader in production). */
export interface QueueSignalSource {
  read(models: readonly string[]): Promise<PoolQueueSample>;
}

/** Options of a ScalerLoop. */
export interface ScalerLoopOptions {
  pools: readonly PoolPolicy[];
  queue: QueueSignalSource;
  kube: ScaleTarget;
  /** Consulted before each tick and again right before every patch. */
  isLeader: () => boolean;
  dryRun: boolean;
  intervalMs: number;
  metrics: ScalerMetrics;
  logger: Logger;
}

interface PoolRuntime {
  decision: DecisionState | undefined;
  /** Dry run: the replicas the pool would have now had every decision been applied. */
  simulatedReplicas: number | undefined;
  throughput: ThroughputTracker;
}

/** Runs ticks every intervalMs until stopped. */
export class ScalerLoop {
  private readonly runtime = new Map<string, PoolRuntime>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ScalerLoopOptions) {
    for (const pool of options.pools) this.runtime.set(pool.name, { decision: undefined, simulatedReplicas: undefined, throughput: new ThroughputTracker() });
  }

  /** Starts ticking (the first tick runs at once). */
  start(): void {
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      this.running = this.tick().catch((err: unknown) => {
        this.options.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'scaler tick failed');
      });
      await this.running;
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.options.intervalMs);
    };
    void loop();
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every pool (public for tests). */
  async tick(): Promise<void> {
    const leader = this.options.isLeader();
    this.options.metrics.isLeader.set(leader ? 1 : 0);
    if (!leader) {
      // A standby exports no per-pool values: alerts compare the leader's desired replicas with reality.
      for (const gauge of [this.options.metrics.desiredReplicas, this.options.metrics.currentReplicas, this.options.metrics.backlog, this.options.metrics.oldestJobAgeSeconds]) {
        gauge.reset();
      }
      // A later term starts from fresh observations: windows and cooldowns of an old term are stale.
      for (const r of this.runtime.values()) {
        r.decision = undefined;
        r.simulatedReplicas = undefined;
      }
      return;
    }
    await Promise.all(this.options.pools.map((pool) => this.tickPool(pool)));
  }

  private async tickPool(pool: PoolPolicy): Promise<void> {
    const { metrics, logger, kube } = this.options;
    const runtime = this.runtime.get(pool.name);
    if (!runtime) return;
    const log = logger.child({ pool: pool.name, deployment: pool.deployment });
    const failed = (stage: ScalerErrorStage, err: unknown): void => {
      metrics.errorsTotal.inc({ pool: pool.name, stage });
      log.warn({ err: err instanceof Error ? err.message : String(err), stage }, 'scaler tick failed for pool');
    };

    let sample: PoolQueueSample;
    let scale: DeploymentScale;
    try {
      sample = await this.options.queue.read(pool.models);
    } catch (err) {
      return failed('queue', err);
    }
    try {
      scale = await kube.readScale(pool.deployment);
    } catch (err) {
      return failed('read_scale', err);
    }
    metrics.backlog.set({ pool: pool.name }, sample.waiting + sample.inFlight);
    metrics.oldestJobAgeSeconds.set({ pool: pool.name }, sample.oldestWaitingAgeMs / 1000);
    metrics.currentReplicas.set({ pool: pool.name }, scale.specReplicas);

    const rates = runtime.throughput.observe({
      nowMs: sample.nowMs,
      entriesRead: sample.entriesRead,
      waiting: sample.waiting,
      specReplicas: scale.specReplicas,
      statusReplicas: scale.statusReplicas,
    });
    // A dry run follows its own decisions, so its log and Events show what the scaler would have done over time.
    const current = this.options.dryRun ? (runtime.simulatedReplicas ?? scale.specReplicas) : scale.specReplicas;
    const state = runtime.decision ?? initialDecisionState(sample.nowMs, current);
    const decision = decide(pool, state, {
      nowMs: sample.nowMs,
      currentReplicas: current,
      waiting: sample.waiting,
      inFlight: sample.inFlight,
      oldestWaitingAgeMs: sample.oldestWaitingAgeMs,
      ...(rates.takenJobsPerSecond !== undefined ? { takenJobsPerSecond: rates.takenJobsPerSecond } : {}),
      ...(rates.jobsPerWorkerPerSecond !== undefined ? { jobsPerWorkerPerSecond: rates.jobsPerWorkerPerSecond } : {}),
    });
    metrics.desiredReplicas.set({ pool: pool.name }, decision.desiredReplicas);
    const fields = { from: current, to: decision.desiredReplicas, recommended: decision.recommendedReplicas, reason: decision.reason, dryRun: this.options.dryRun };

    if (decision.direction === 'none') {
      runtime.decision = decision.state;
      countDecision(metrics, pool.name, 'none');
      log.debug(fields, 'scaler decision: keep');
      return;
    }
    // Leadership can be lost while this tick read Redis and Kubernetes: check again right before acting.
    if (!this.options.isLeader()) return;
    if (!this.options.dryRun) {
      try {
        const patched = await kube.patchReplicas(pool.deployment, decision.desiredReplicas);
        metrics.currentReplicas.set({ pool: pool.name }, patched.specReplicas);
      } catch (err) {
        return failed('patch_scale', err);
      }
    }
    runtime.decision = decision.state;
    if (this.options.dryRun) runtime.simulatedReplicas = decision.desiredReplicas;
    countDecision(metrics, pool.name, decision.direction);
    log.info(fields, this.options.dryRun ? 'scaler decision (dry run, not applied)' : 'scaled pool');
    const up = decision.direction === 'up';
    const reason: ScaleEvent['reason'] = this.options.dryRun ? (up ? 'WouldScaleUp' : 'WouldScaleDown') : up ? 'ScaledUp' : 'ScaledDown';
    const verb = this.options.dryRun ? 'Dry run: would scale' : 'Scaled';
    try {
      await kube.recordEvent({
        deployment: pool.deployment,
        uid: scale.uid,
        reason,
        message: `${verb} pool ${pool.name} from ${current} to ${decision.desiredReplicas} replicas: ${decision.reason}`,
      });
    } catch (err) {
      failed('event', err);
    }
  }
}
