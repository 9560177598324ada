import { status as GrpcStatus } from '@grpc/grpc-js';
import { NotFoundError } from '@maas/errors';
import { ModelRepository } from './model-repository';
import type { RegistryClient } from '@maas/registry-client';
import type { ResidencyView, WorkerResidency } from './residency';

// The load/unload decisions over residency records that change between reads (fakes: the e2e test runs real workers).

const registry = (models: string[]): RegistryClient =>
  ({
    getModel: async (name: string) => {
      if (!models.includes(name)) throw new NotFoundError(`model "${name}" not found`);
      return { name, versions: [1], owner_tenant: '' };
    },
  }) as unknown as RegistryClient;

/** A view whose records come from `script` (one entry per read; the last repeats), recording commands. */
function view(script: Array<WorkerResidency[]>, subscribers = 1): ResidencyView & { commands: string[] } {
  let reads = 0;
  const commands: string[] = [];
  return {
    commands,
    workers: async () => script[Math.min(reads++, script.length - 1)]!,
    command: async (op: string, model: string, version: number) => {
      commands.push(`${op} ${model}:${version}`);
      return subscribers;
    },
  } as unknown as ResidencyView & { commands: string[] };
}

const w = (id: string, versions: WorkerResidency['versions']): WorkerResidency => ({ workerId: id, pool: 'p', executionProvider: 'cpu', updatedUnixMs: 0, expiresUnixMs: Number.MAX_SAFE_INTEGER, versions });
const soon = (): number => Date.now() + 5000;

describe('ModelRepository.load', () => {
  it('waits until one worker holds it, even while another fails', async () => {
    const later = Date.now() + 60_000;
    const v = view([
      [w('a', [{ model: 'm', version: 1, state: 'idle' }]), w('b', [{ model: 'm', version: 1, state: 'idle' }])],
      [w('a', [{ model: 'm', version: 1, state: 'failed', error: 'x', errorUnixMs: later }]), w('b', [{ model: 'm', version: 1, state: 'loading' }])],
      [w('a', [{ model: 'm', version: 1, state: 'failed', error: 'x', errorUnixMs: later }]), w('b', [{ model: 'm', version: 1, state: 'loaded' }])],
    ]);
    await new ModelRepository(registry(['m']), v).load('m', soon());
    expect(v.commands).toEqual(['load m:1']);
  });

  it('fails with the workers\' error once every serving worker failed after the call; an older failure does not count', async () => {
    const old = Date.now() - 60_000;
    const v = view([
      [w('a', [{ model: 'm', version: 1, state: 'failed', error: 'old', errorCode: 14, errorUnixMs: old }])],
      [w('a', [{ model: 'm', version: 1, state: 'failed', error: 'old', errorCode: 14, errorUnixMs: old }])],
      [w('a', [{ model: 'm', version: 1, state: 'failed', error: 'too big', errorCode: GrpcStatus.RESOURCE_EXHAUSTED, errorUnixMs: Date.now() + 60_000 }])],
    ]);
    await expect(new ModelRepository(registry(['m']), v).load('m', soon())).rejects.toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED, message: 'model m v1 could not be loaded on worker a (pool p): too big' });
  });

  it('is NOT_FOUND for an unknown model, UNAVAILABLE when nothing serves or listens, DEADLINE_EXCEEDED when it never loads', async () => {
    await expect(new ModelRepository(registry([]), view([[]])).load('m', soon())).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    await expect(new ModelRepository(registry(['m']), view([[w('a', [{ model: 'x', version: 1, state: 'loaded' }])]])).load('m', soon())).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    await expect(new ModelRepository(registry(['m']), view([[w('a', [{ model: 'm', version: 1, state: 'idle' }])]], 0)).load('m', soon())).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    await expect(new ModelRepository(registry(['m']), view([[w('a', [{ model: 'm', version: 1, state: 'loading' }])]])).load('m', Date.now() + 200)).rejects.toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
  });
});

describe('ModelRepository.unload', () => {
  it('asks every serving worker and answers once none holds the version', async () => {
    const v = view([
      [w('a', [{ model: 'm', version: 1, state: 'loaded' }]), w('b', [{ model: 'm', version: 1, state: 'idle' }])],
      [w('a', [{ model: 'm', version: 1, state: 'loaded' }]), w('b', [{ model: 'm', version: 1, state: 'idle' }])],
      [w('a', [{ model: 'm', version: 1, state: 'idle' }]), w('b', [{ model: 'm', version: 1, state: 'idle' }])],
    ]);
    await new ModelRepository(registry(['m']), v).unload('m', soon());
    expect(v.commands).toEqual(['unload m:1']);
  });
});
