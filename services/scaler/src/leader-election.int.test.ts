import { createConsulClient } from '@maas/discovery';
import { silentLogger } from '@maas/logging';
import { startConsul, waitFor, type ConsulHandle } from '@maas/testing';
import { LeaderElection } from './leader-election';

/** The Consul lock against a real Consul dev agent. */
describe('LeaderElection (real Consul)', () => {
  let consul: ConsulHandle;
  const elections: LeaderElection[] = [];

  beforeAll(async () => {
    consul = await startConsul();
  });
  afterAll(async () => {
    await Promise.all(elections.map((e) => e.stop()));
    await consul.stop();
  });

  const election = (key: string, instanceId: string, checks: string[] = ['serfHealth'], checksGraceMs?: number): LeaderElection => {
    const e = new LeaderElection({
      consul: createConsulClient(consul.url),
      key,
      instanceId,
      ttlSeconds: 10,
      lockDelayMs: 500,
      checks,
      retryMs: 200,
      logger: silentLogger(),
      ...(checksGraceMs !== undefined ? { checksGraceMs } : {}),
    });
    elections.push(e);
    e.start();
    return e;
  };

  it('exactly one of two leads; the standby takes over when the leader steps down', async () => {
    const a = election('test/lock-1', 'a');
    await waitFor(() => a.isLeader(), 5000, 'a leads');
    const b = election('test/lock-1', 'b');
    await new Promise((r) => setTimeout(r, 1000));
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    await a.stop();
    expect(a.isLeader()).toBe(false);
    await waitFor(() => b.isLeader(), 3000, 'b takes over');
  }, 10_000);

  it('a leader whose session is invalidated stops at its next renewal; the standby waits out the lock-delay', async () => {
    const kv = createConsulClient(consul.url);
    // A TTL check stands in for the scaler's gRPC health check: failing it invalidates the session.
    await kv.agent.check.register({ name: 'scaler-a-health', ttl: '30s', timeout: '1s' }); // the check id defaults to its name
    await kv.agent.check.pass('scaler-a-health');
    const a = election('test/lock-2', 'a', ['serfHealth', 'scaler-a-health']);
    await waitFor(() => a.isLeader(), 5000, 'a leads');
    const b = election('test/lock-2', 'b');
    // Taken before the call: Consul invalidates the session while answering it, and on a loaded machine the
    // answer can arrive after the lock-delay has already run out (CI saw b leading "0 ms" after it).
    const failedAt = Date.now();
    await kv.agent.check.fail('scaler-a-health');
    await waitFor(() => b.isLeader(), 8000, 'b takes over');
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(400); // lock-delay 500 ms
    // a notices at its next renewal (half the TTL) at the latest, before b could act on a stale view of a.
    await waitFor(() => !a.isLeader(), 6000, 'a steps down');
  }, 20_000);

  it('leads without the health check when it stays critical past the grace (the agent cannot reach it)', async () => {
    const kv = createConsulClient(consul.url);
    await kv.agent.check.register({ name: 'scaler-c-health', ttl: '30s', timeout: '1s' }); // critical until passed
    const c = election('test/lock-3', 'c', ['serfHealth', 'scaler-c-health'], 1000);
    await new Promise((r) => setTimeout(r, 600));
    expect(c.isLeader()).toBe(false); // Consul refuses the session while the check is critical
    await waitFor(() => c.isLeader(), 5000, 'c leads after the grace');
  }, 10_000);
});
