import { parseResidency, versionState, type WorkerResidency } from './residency';

const worker = (workerId: string, pool: string, versions: WorkerResidency['versions']): WorkerResidency => ({ workerId, pool, executionProvider: 'cpu', updatedUnixMs: 1, expiresUnixMs: Number.MAX_SAFE_INTEGER, versions });

describe('versionState', () => {
  it('is READY when any live worker holds the version loaded, whatever the others say', () => {
    const workers = [worker('w1', 'a', [{ model: 'm', version: 1, state: 'failed', error: 'boom', errorUnixMs: 5 }]), worker('w2', 'b', [{ model: 'm', version: 1, state: 'loaded', executionProvider: 'cpu' }])];
    expect(versionState(workers, 'm', 1)).toEqual({ state: 'READY', reason: '' });
  });

  it('is LOADING while a worker loads it, naming the pool', () => {
    const s = versionState([worker('w1', 'gpu', [{ model: 'm', version: 2, state: 'loading' }])], 'm', 2);
    expect(s.state).toBe('LOADING');
    expect(s.reason).toBe('loading on 1 worker of pool gpu');
  });

  it('is UNAVAILABLE with the newest load error when loads failed', () => {
    const workers = [
      worker('w1', 'a', [{ model: 'm', version: 1, state: 'failed', error: 'old', errorUnixMs: 1 }]),
      worker('w2', 'a', [{ model: 'm', version: 1, state: 'failed', error: 'too big', errorUnixMs: 9 }]),
    ];
    expect(versionState(workers, 'm', 1)).toEqual({ state: 'UNAVAILABLE', reason: 'load failed on worker w2 (pool a): too big' });
  });

  it('is UNAVAILABLE "not loaded" for a served idle version, and says when nothing serves it', () => {
    const workers = [worker('w1', 'a', [{ model: 'm', version: 1, state: 'idle' }]), worker('w2', 'b', [{ model: 'm', version: 1, state: 'idle' }])];
    expect(versionState(workers, 'm', 1).reason).toBe('not loaded: served by 2 workers of pools a, b; it loads on its next request or on RepositoryModelLoad');
    expect(versionState(workers, 'm', 2)).toEqual({ state: 'UNAVAILABLE', reason: 'no live worker serves this version (see MAAS_WORKER_MODELS of the worker pools)' });
    expect(versionState([], 'm', 1).state).toBe('UNAVAILABLE');
  });
});

describe('parseResidency', () => {
  it('reads a record and drops versions it does not understand', () => {
    const text = JSON.stringify({ workerId: 'w', pool: 'p', executionProvider: 'cuda', updatedUnixMs: 1, expiresUnixMs: 2, versions: [{ model: 'm', version: 1, state: 'loaded' }, { model: 'm', version: 2, state: 'weird' }, null] });
    expect(parseResidency(text)).toEqual({ workerId: 'w', pool: 'p', executionProvider: 'cuda', updatedUnixMs: 1, expiresUnixMs: 2, versions: [{ model: 'm', version: 1, state: 'loaded' }] });
  });

  it('skips what is not a record', () => {
    expect(parseResidency(null)).toBeUndefined();
    expect(parseResidency('{')).toBeUndefined();
    expect(parseResidency('[]')).toBeUndefined();
    expect(parseResidency(JSON.stringify({ workerId: 'w', pool: 'p', versions: [] }))).toBeUndefined();
  });
});
