import { ThroughputTracker, type ThroughputSample } from './throughput';

const sample = (t: number, read: Record<string, number>, waiting: number, replicas = 2, statusReplicas = replicas): ThroughputSample => ({
  nowMs: t * 1000,
  entriesRead: new Map(Object.entries(read)),
  waiting,
  specReplicas: replicas,
  statusReplicas,
});

describe('ThroughputTracker', () => {
  it('knows no rate from one sample', () => {
    expect(new ThroughputTracker().observe(sample(0, { a: 10 }, 5))).toEqual({ takenJobsPerSecond: undefined, jobsPerWorkerPerSecond: undefined });
  });

  it('sums taken jobs over streams; a stream new or restarted in the interval counts nothing', () => {
    const tracker = new ThroughputTracker();
    tracker.observe(sample(0, { a: 10, b: 100 }, 0));
    const r = tracker.observe(sample(5, { a: 30, b: 3, c: 50 }, 0));
    expect(r.takenJobsPerSecond).toBe(4);
    expect(r.jobsPerWorkerPerSecond).toBeUndefined(); // not saturated: nothing learned about capacity
  });

  it('measures per-worker capacity only while jobs waited at both ticks, smoothed', () => {
    const tracker = new ThroughputTracker();
    tracker.observe(sample(0, { a: 0 }, 10));
    expect(tracker.observe(sample(10, { a: 200 }, 10)).jobsPerWorkerPerSecond).toBe(10);
    expect(tracker.observe(sample(20, { a: 300 }, 10)).jobsPerWorkerPerSecond).toBe(7.5);
  });

  it('does not measure while replicas change or pods are missing', () => {
    const tracker = new ThroughputTracker();
    tracker.observe(sample(0, { a: 0 }, 10, 2));
    expect(tracker.observe(sample(10, { a: 100 }, 10, 4, 4)).jobsPerWorkerPerSecond).toBeUndefined();
    expect(tracker.observe(sample(20, { a: 200 }, 10, 4, 1)).jobsPerWorkerPerSecond).toBeUndefined();
  });

  it('raises a measured capacity when unsaturated workers did more', () => {
    const tracker = new ThroughputTracker();
    tracker.observe(sample(0, { a: 0 }, 10));
    tracker.observe(sample(10, { a: 100 }, 10)); // 5 per worker
    expect(tracker.observe(sample(20, { a: 300 }, 0)).jobsPerWorkerPerSecond).toBe(10);
    expect(tracker.observe(sample(30, { a: 320 }, 0)).jobsPerWorkerPerSecond).toBe(10);
  });
});
