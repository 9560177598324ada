import { Counter, Gauge, type Registry } from '@maas/metrics';
import type { ScaleDirection } from './decision';

/** The scaler's own metrics; `pool` is bounded by the policy file. */
export interface ScalerMetrics {
  desiredReplicas: Gauge<'pool'>;
  currentReplicas: Gauge<'pool'>;
  decisionsTotal: Counter<'pool' | 'direction'>;
  lastDecisionTimestampSeconds: Gauge<'pool'>;
  isLeader: Gauge;
  backlog: Gauge<'pool'>;
  oldestJobAgeSeconds: Gauge<'pool'>;
  errorsTotal: Counter<'pool' | 'stage'>;
}

/** Where a tick failed (bounded label values). */
export type ScalerErrorStage = 'queue' | 'read_scale' | 'patch_scale' | 'event';

/** Registers the scaler metrics. */
export function scalerMetrics(registry: Registry): ScalerMetrics {
  const registers = [registry];
  return {
    desiredReplicas: new Gauge({ name: 'maas_scaler_desired_replicas', help: 'Replicas the last decision wanted for the pool', labelNames: ['pool'], registers }),
    currentReplicas: new Gauge({ name: 'maas_scaler_current_replicas', help: "spec.replicas of the pool's Deployment at the last tick", labelNames: ['pool'], registers }),
    decisionsTotal: new Counter({
      name: 'maas_scaler_decisions_total',
      help: 'Scaling decisions by pool and direction (up, down, none); in dry-run mode they are counted but not applied',
      labelNames: ['pool', 'direction'],
      registers,
    }),
    lastDecisionTimestampSeconds: new Gauge({
      name: 'maas_scaler_last_decision_timestamp_seconds',
      help: 'Unix time of the last decision for the pool (every tick while leader decides, most decide "none")',
      labelNames: ['pool'],
      registers,
    }),
    isLeader: new Gauge({ name: 'maas_scaler_is_leader', help: '1 while this instance holds the scaler lock and acts, else 0', registers }),
    backlog: new Gauge({ name: 'maas_scaler_backlog', help: "Jobs waiting or in flight over the pool's streams", labelNames: ['pool'], registers }),
    oldestJobAgeSeconds: new Gauge({ name: 'maas_scaler_oldest_job_age_seconds', help: 'Age of the oldest job waiting for the pool', labelNames: ['pool'], registers }),
    errorsTotal: new Counter({
      name: 'maas_scaler_errors_total',
      help: 'Ticks that failed, by pool and stage (queue, read_scale, patch_scale, event)',
      labelNames: ['pool', 'stage'],
      registers,
    }),
  };
}

/** Counts a decision (helper keeping the label values typed). */
export function countDecision(metrics: ScalerMetrics, pool: string, direction: ScaleDirection): void {
  metrics.decisionsTotal.inc({ pool, direction });
  metrics.lastDecisionTimestampSeconds.set({ pool }, Date.now() / 1000);
}
