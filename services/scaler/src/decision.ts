import type { PoolPolicy } from './policy';

/**
 * The pure scaling decision: signals over time → desired replicas. No I/O and no clock: the caller
 * passes `nowMs` and keeps the returned state, so every rule is unit-tested with a table of signals.
 *
 * 1. A raw recommendation from the signals of this tick (recommendReplicas).
 * 2. HPA-style stabilization over the recommendations of recent ticks: replicas go up only to the
 *    lowest recommendation of the scale-up window (a rise must last the window) and down only to the
 *    highest recommendation of the scale-down window (so a pool scales to zero only after being idle
 *    the whole window).
 * 3. A cooldown after every change, except that a job waiting on a pool at zero is answered at once.
 * 4. min/max replicas.
 */

/** What the scaler knows about one pool at one tick. */
export interface PoolSignals {
  nowMs: number;
  /** spec.replicas of the pool's Deployment (its scale subresource). */
  currentReplicas: number;
  /** Jobs not yet taken by any worker, over the pool's streams. */
  waiting: number;
  /** Jobs taken by a worker and not yet answered. */
  inFlight: number;
  /** Age of the oldest waiting job (0 when none waits). */
  oldestWaitingAgeMs: number;
  /** Jobs workers took per second since the last tick (the arrival rate while they keep up); undefined on the first tick. */
  takenJobsPerSecond?: number;
  /** Measured jobs per worker per second; undefined until measured, then the policy's value is used. */
  jobsPerWorkerPerSecond?: number;
}

/** One tick's raw recommendation, kept for the stabilization windows. */
export interface Recommendation {
  atMs: number;
  replicas: number;
}

/** What decide() remembers between ticks for one pool. */
export interface DecisionState {
  /** Recommendations within the longer of the two windows, oldest first. */
  readonly recommendations: readonly Recommendation[];
  /** When replicas were last changed by a decision; undefined before the first. */
  readonly lastChangeAtMs: number | undefined;
}

/** Which way a decision moves replicas (a bounded metric label). */
export type ScaleDirection = 'up' | 'down' | 'none';

/** The outcome of one tick for one pool. */
export interface Decision {
  desiredReplicas: number;
  /** This tick's raw recommendation, before stabilization and cooldown. */
  recommendedReplicas: number;
  direction: ScaleDirection;
  /** Why, in words (logged and written into the Kubernetes Event). */
  reason: string;
  /** The state to pass to the next decide(). */
  state: DecisionState;
}

/**
 * The starting state: the current replicas count as a recommendation made now, so a freshly started
 * (or newly elected) scaler scales down only after a full down-window of its own observations.
 */
export function initialDecisionState(nowMs: number, currentReplicas: number): DecisionState {
  return { recommendations: [{ atMs: nowMs, replicas: currentReplicas }], lastChangeAtMs: undefined };
}

const clamp = (n: number, policy: PoolPolicy): number => Math.min(policy.maxReplicas, Math.max(policy.minReplicas, n));

/**
 * Replicas this tick's signals ask for, within min/max: 0 when nothing waits or runs; otherwise enough
 * workers to serve the arrival rate plus drain the backlog within targetBacklogDrainSeconds, at least 1,
 * and at least one more (up to double) while the oldest waiting job is older than maxQueueWaitMs.
 */
export function recommendReplicas(policy: PoolPolicy, signals: PoolSignals): { replicas: number; reason: string } {
  const depth = signals.waiting + signals.inFlight;
  if (depth === 0) return { replicas: clamp(0, policy), reason: 'idle: no job waiting or in flight' };
  const perWorker = signals.jobsPerWorkerPerSecond ?? policy.jobsPerWorkerPerSecond;
  const arrivalPerSecond = signals.takenJobsPerSecond ?? 0;
  const neededJobsPerSecond = arrivalPerSecond + depth / policy.targetBacklogDrainSeconds;
  // The epsilon keeps 4.0000000001 (float noise) from becoming 5.
  let replicas = Math.max(1, Math.ceil(neededJobsPerSecond / perWorker - 1e-9));
  let reason =
    `backlog ${depth} (${signals.waiting} waiting, ${signals.inFlight} in flight), ${round(arrivalPerSecond)} jobs/s taken, ` +
    `${round(perWorker)} jobs/s per worker, drain target ${policy.targetBacklogDrainSeconds}s`;
  const current = signals.currentReplicas;
  if (policy.maxQueueWaitMs > 0 && signals.waiting > 0 && current > 0 && signals.oldestWaitingAgeMs > policy.maxQueueWaitMs) {
    const ratio = Math.min(2, signals.oldestWaitingAgeMs / policy.maxQueueWaitMs);
    const forWait = Math.max(current + 1, Math.ceil(current * ratio));
    if (forWait > replicas) {
      replicas = forWait;
      reason = `oldest waiting job ${Math.round(signals.oldestWaitingAgeMs)} ms > maxQueueWaitMs ${policy.maxQueueWaitMs}; ${reason}`;
    }
  }
  return { replicas: clamp(replicas, policy), reason };
}

/** The recommendations inside the last `seconds` (always at least the newest one). */
function inWindow(recommendations: readonly Recommendation[], nowMs: number, seconds: number): number[] {
  const inside = recommendations.filter((r) => r.atMs > nowMs - seconds * 1000).map((r) => r.replicas);
  const newest = recommendations[recommendations.length - 1];
  return inside.length > 0 || newest === undefined ? inside : [newest.replicas];
}

/** One tick: signals and the previous state → desired replicas, direction, reason and the next state. */
export function decide(policy: PoolPolicy, state: DecisionState, signals: PoolSignals): Decision {
  const { nowMs, currentReplicas: current } = signals;
  const raw = recommendReplicas(policy, signals);
  const keepMs = Math.max(policy.scaleUpStabilizationSeconds, policy.scaleDownStabilizationSeconds) * 1000;
  const recommendations = [...state.recommendations.filter((r) => r.atMs > nowMs - keepMs), { atMs: nowMs, replicas: raw.replicas }];
  const upTo = Math.min(...inWindow(recommendations, nowMs, policy.scaleUpStabilizationSeconds));
  const downTo = Math.max(...inWindow(recommendations, nowMs, policy.scaleDownStabilizationSeconds));

  let desired = current;
  let reason = raw.reason;
  let bypassCooldown = false;
  if (current < policy.minReplicas || current > policy.maxReplicas) {
    desired = clamp(current, policy);
    reason = `replicas ${current} outside minReplicas..maxReplicas ${policy.minReplicas}..${policy.maxReplicas}`;
    bypassCooldown = true;
  } else if (current === 0 && raw.replicas > 0) {
    // Scale from zero as soon as a job waits: no window, no cooldown — the caller is holding its request.
    desired = raw.replicas;
    reason = `from zero: ${raw.reason}`;
    bypassCooldown = true;
  } else if (upTo > current) {
    desired = upTo;
    if (policy.scaleUpStabilizationSeconds > 0) reason = `${raw.reason}; lowest recommendation over ${policy.scaleUpStabilizationSeconds}s is ${upTo}`;
  } else if (downTo < current) {
    desired = downTo;
    reason = `${raw.reason}; highest recommendation over ${policy.scaleDownStabilizationSeconds}s is ${downTo}`;
  }

  const sinceChangeMs = state.lastChangeAtMs === undefined ? Infinity : nowMs - state.lastChangeAtMs;
  if (desired !== current && !bypassCooldown && sinceChangeMs < policy.cooldownSeconds * 1000) {
    reason = `cooldown: ${Math.ceil((policy.cooldownSeconds * 1000 - sinceChangeMs) / 1000)}s left before going from ${current} to ${desired} (${reason})`;
    desired = current;
  }
  const direction: ScaleDirection = desired > current ? 'up' : desired < current ? 'down' : 'none';
  return {
    desiredReplicas: desired,
    recommendedReplicas: raw.replicas,
    direction,
    reason,
    state: { recommendations, lastChangeAtMs: direction === 'none' ? state.lastChangeAtMs : nowMs },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
