import { decide, initialDecisionState, recommendReplicas, type DecisionState } from './decision';
import { compilePoolPolicy, type PoolPolicy } from './policy';

/** Test policy: 1 job/s per worker, drain within 10 s, scale down after 60 s, no up window, no cooldown. */
function policy(overrides: Record<string, unknown> = {}): PoolPolicy {
  return compilePoolPolicy('cpu', {
    models: ['m'],
    minReplicas: 0,
    maxReplicas: 10,
    targetBacklogDrainSeconds: 10,
    maxQueueWaitMs: 0,
    scaleUpStabilizationSeconds: 0,
    scaleDownStabilizationSeconds: 60,
    cooldownSeconds: 0,
    jobsPerWorkerPerSecond: 1,
    ...overrides,
  });
}

/** One tick of input: seconds since start, and the queue as the scaler reads it. */
interface Step {
  t: number;
  waiting: number;
  inFlight?: number;
  ageMs?: number;
  takenPerSecond?: number;
}

/**
 * Runs the steps through decide() the way the scaler loop does: the Deployment's replicas follow every
 * decision (as if each patch succeeded). Returns the replicas after every step.
 */
function simulate(p: PoolPolicy, steps: readonly Step[], startReplicas = 0): number[] {
  let current = startReplicas;
  let state: DecisionState = initialDecisionState(0, startReplicas);
  return steps.map((s) => {
    const d = decide(p, state, {
      nowMs: s.t * 1000,
      currentReplicas: current,
      waiting: s.waiting,
      inFlight: s.inFlight ?? 0,
      oldestWaitingAgeMs: s.ageMs ?? 0,
      ...(s.takenPerSecond !== undefined ? { takenJobsPerSecond: s.takenPerSecond } : {}),
    });
    state = d.state;
    current = d.desiredReplicas;
    return current;
  });
}

/** Steps every 5 s from t=5 with these waiting counts. */
const every5s = (waiting: readonly number[]): Step[] => waiting.map((w, i) => ({ t: 5 * (i + 1), waiting: w }));

describe('recommendReplicas', () => {
  const cases: [string, Partial<Step> & { current?: number }, Record<string, unknown>, number][] = [
    ['idle pool → 0', { waiting: 0 }, {}, 0],
    ['idle pool with minReplicas 2 → 2', { waiting: 0 }, { minReplicas: 2 }, 2],
    ['one waiting job → 1', { waiting: 1 }, {}, 1],
    ['only in-flight jobs still need a worker', { waiting: 0, inFlight: 1 }, {}, 1],
    ['backlog 50, drain 10 s at 1 job/s → 5', { waiting: 50 }, {}, 5],
    ['arrival 3 jobs/s plus backlog 50 → 8', { waiting: 50, takenPerSecond: 3 }, {}, 8],
    ['exact fit is not rounded up by float noise', { waiting: 0, inFlight: 3, takenPerSecond: 0.1 * 3 * 10 - 0.3 }, { targetBacklogDrainSeconds: 1 }, 6],
    ['capped at maxReplicas', { waiting: 1000 }, {}, 10],
    ['faster workers need fewer replicas', { waiting: 50 }, { jobsPerWorkerPerSecond: 2.5 }, 2],
    ['oldest job 3x over maxQueueWaitMs doubles 2 workers → 4', { waiting: 5, ageMs: 3000, current: 2 }, { maxQueueWaitMs: 1000 }, 4],
    ['oldest job just over maxQueueWaitMs adds one', { waiting: 5, ageMs: 1100, current: 3 }, { maxQueueWaitMs: 1000 }, 4],
    ['maxQueueWaitMs 0 turns the wait target off', { waiting: 5, ageMs: 60_000, current: 2 }, {}, 1],
  ];
  it.each(cases)('%s', (_name, s, overrides, expected) => {
    const r = recommendReplicas(policy(overrides), {
      nowMs: 0,
      currentReplicas: s.current ?? 1,
      waiting: s.waiting ?? 0,
      inFlight: s.inFlight ?? 0,
      oldestWaitingAgeMs: s.ageMs ?? 0,
      ...(s.takenPerSecond !== undefined ? { takenJobsPerSecond: s.takenPerSecond } : {}),
    });
    expect(r.replicas).toBe(expected);
  });

  it('uses the measured per-worker rate over the policy value', () => {
    const r = recommendReplicas(policy(), { nowMs: 0, currentReplicas: 1, waiting: 100, inFlight: 0, oldestWaitingAgeMs: 0, jobsPerWorkerPerSecond: 5 });
    expect(r.replicas).toBe(2);
  });
});

describe('decide over time', () => {
  const table: [string, PoolPolicy, Step[], number, number[]][] = [
    ['scales from zero on the first waiting job', policy(), every5s([0, 0, 1, 1]), 0, [0, 0, 1, 1]],
    [
      'scales from zero at once despite an up-window and a cooldown',
      policy({ scaleUpStabilizationSeconds: 30, cooldownSeconds: 60 }),
      every5s([0, 20]),
      0,
      [0, 2],
    ],
    [
      'backlog grows → up; drains → down only after the 60 s window; idle → zero',
      policy(),
      [
        { t: 5, waiting: 10 },
        { t: 10, waiting: 50 },
        { t: 15, waiting: 20 },
        { t: 20, waiting: 0 },
        { t: 69, waiting: 0 }, // the 50-recommendation of t=10 is still inside the window (69-60, 69]
        { t: 71, waiting: 0 },
        { t: 76, waiting: 0 }, // t=15's 2 is out; the last non-zero was at t=15 → all zero now
        { t: 80, waiting: 0 },
      ],
      0,
      [1, 5, 5, 5, 5, 2, 0, 0],
    ],
    [
      'flapping backlog never scales down inside the window, and never to zero',
      policy(),
      every5s([50, 0, 50, 0, 50, 0, 50, 0, 50, 0, 50, 0, 50, 0, 50, 0]),
      0,
      Array<number>(16).fill(5),
    ],
    [
      'a one-tick spike does not scale up with a 20 s up-window',
      policy({ scaleUpStabilizationSeconds: 20 }),
      every5s([10, 10, 80, 10, 10, 80, 10]),
      1,
      [1, 1, 1, 1, 1, 1, 1],
    ],
    [
      'a sustained rise scales up once it lasted the up-window',
      policy({ scaleUpStabilizationSeconds: 20 }),
      every5s([10, 80, 80, 80, 80, 80]), // 80 from t=10: at t=25 every recommendation in (5, 25] is 8
      1,
      [1, 1, 1, 1, 8, 8],
    ],
    [
      'cooldown holds a second change until it passed',
      policy({ cooldownSeconds: 30 }),
      [
        { t: 5, waiting: 30 }, // 0 → 3 (from zero, no cooldown)
        { t: 10, waiting: 80 }, // wants 8: but 5 s after the last change
        { t: 30, waiting: 80 },
        { t: 36, waiting: 80 }, // 31 s after t=5 → 8
        { t: 40, waiting: 100 }, // wants 10: cooldown from t=36
        { t: 66, waiting: 100 },
      ],
      0,
      [3, 3, 3, 8, 8, 10],
    ],
    [
      'cooldown also delays scaling down',
      policy({ cooldownSeconds: 30, scaleDownStabilizationSeconds: 0 }),
      [
        { t: 0, waiting: 50 },
        { t: 10, waiting: 0 },
        { t: 29, waiting: 0 },
        { t: 31, waiting: 0 },
      ],
      1,
      [5, 5, 5, 0],
    ],
    ['minReplicas keeps an idle pool warm', policy({ minReplicas: 2 }), [{ t: 5, waiting: 0 }, { t: 100, waiting: 0 }, { t: 200, waiting: 0 }], 2, [2, 2, 2]],
    ['replicas above maxReplicas come down at once', policy({ maxReplicas: 4, cooldownSeconds: 300 }), [{ t: 5, waiting: 100 }], 9, [4]],
    [
      'a fresh scaler does not scale down before a window of its own observations',
      policy(),
      [
        { t: 5, waiting: 0 },
        { t: 59, waiting: 0 },
        { t: 61, waiting: 0 },
      ],
      6,
      [6, 6, 0],
    ],
    [
      'a queue-wait breach adds workers even when the backlog formula is satisfied',
      policy({ maxQueueWaitMs: 1000 }),
      [
        { t: 5, waiting: 4, ageMs: 200 },
        { t: 10, waiting: 4, ageMs: 1500 },
        { t: 15, waiting: 4, ageMs: 5000 },
      ],
      1,
      [1, 2, 4],
    ],
  ];
  it.each(table)('%s', (_name, p, steps, start, expected) => {
    expect(simulate(p, steps, start)).toEqual(expected);
  });

  it('says why it holds during a cooldown, and reports the direction', () => {
    const p = policy({ cooldownSeconds: 30 });
    const first = decide(p, initialDecisionState(0, 1), { nowMs: 1000, currentReplicas: 1, waiting: 50, inFlight: 0, oldestWaitingAgeMs: 0 });
    expect(first).toMatchObject({ desiredReplicas: 5, direction: 'up' });
    const held = decide(p, first.state, { nowMs: 2000, currentReplicas: 5, waiting: 90, inFlight: 0, oldestWaitingAgeMs: 0 });
    expect(held).toMatchObject({ desiredReplicas: 5, recommendedReplicas: 9, direction: 'none' });
    expect(held.reason).toMatch(/^cooldown: 29s left before going from 5 to 9/);
  });

  it('keeps only the recommendations its windows need', () => {
    let state = initialDecisionState(0, 1);
    for (let t = 1; t <= 1000; t++) {
      state = decide(policy(), state, { nowMs: t * 1000, currentReplicas: 1, waiting: 5, inFlight: 0, oldestWaitingAgeMs: 0 }).state;
    }
    expect(state.recommendations.length).toBeLessThanOrEqual(61);
  });
});
