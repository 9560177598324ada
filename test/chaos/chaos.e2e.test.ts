/**
 * The short form of `make chaos`: every fault, each on its own stack of real processes, under a small
 * closed-loop load. A regression in what maas promises (a lost or hung request, something left behind)
 * fails CI; the only timing bounds are generous ones (recovery well inside the deadline).
 */
import { FAULTS, runFault } from './faults';
import { figuresTable, type FaultFigures } from './figures';

jest.setTimeout(240_000);

const SIZE = { concurrency: 4, durationMs: 9000, faultAtMs: 2500, deadlineMs: 15_000 };
const seen: FaultFigures[] = [];

afterAll(() => {
  // The figures of this run, for the CI log.
  if (seen.length > 0) process.stdout.write(`\n${figuresTable(seen)}\n`);
});

describe.each(FAULTS.map((f) => [f.name, f] as const))('%s', (_name, spec) => {
  it(spec.promise, async () => {
    const f = await runFault(spec, SIZE);
    seen.push(f);
    expect(f.requests).toBeGreaterThan(0);
    expect(f.hung).toBe(0);
    expect({ lost: f.lost, failed: f.failed }).toEqual({ lost: 0, failed: spec.retryableAllowed ? f.failed : {} });
    expect(f.details['jobsLeftInStream']).toBe(0);
    // Service is back well before a request's deadline.
    expect(f.firstOkAfterFaultMs).not.toBeNull();
    expect(f.recoveryMs).toBeLessThan(SIZE.deadlineMs);
    if (spec.name === 'worker-sigkill') expect(Number(f.details['heldAtKill'])).toBeGreaterThan(0);
  });
});
