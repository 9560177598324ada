import { EventEmitter } from 'node:events';
import { NotFoundError, UnavailableError } from '@maas/errors';
import { silentLogger } from '@maas/logging';
import { ModelCatalog } from './model-catalog';
import type { RegistryClient } from '@maas/registry-client';

/** A registry in memory (pure logic: the catalog's caching, not the registry, is under test). */
class FakeRegistry {
  readonly models = new Set<string>();
  resolveCalls = 0;
  down = false;
  readonly feed = Object.assign(new EventEmitter(), { cancel: () => undefined });

  async resolve(model: string): Promise<unknown> {
    this.resolveCalls++;
    if (this.down) throw new UnavailableError('registry down');
    if (!this.models.has(model)) throw new NotFoundError(`model "${model}" not found`);
    return { alias: '', targets: [{ version: 1, weight: 1 }], versions: [{ model, version: 1 }] };
  }

  async getModel(name: string): Promise<unknown> {
    if (this.down) throw new UnavailableError('registry down');
    if (!this.models.has(name)) throw new NotFoundError(`model "${name}" not found`);
    return { name, owner_tenant: '' };
  }

  watch(): EventEmitter {
    return this.feed;
  }

  /** The change feed reporting a change to `model`. */
  changed(model: string): void {
    this.feed.emit('data', { kind: 'MODEL_CREATED', model, token: String(Date.now()) });
  }
}

/** Runs `fn` with jest's fake clock (promises and immediates stay real), then restores the real one. */
async function withFakeTimers(fn: () => Promise<void>): Promise<void> {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    await fn();
  } finally {
    jest.useRealTimers();
  }
}

function catalogOf(registry: FakeRegistry, ttlMs = 60_000): ModelCatalog {
  const catalog = new ModelCatalog(registry as unknown as RegistryClient, silentLogger(), ttlMs);
  catalog.start();
  return catalog;
}

test('a NOT_FOUND is answered from the cache for a while instead of asking the registry again', async () => {
  const registry = new FakeRegistry();
  const catalog = catalogOf(registry);
  for (let i = 0; i < 5; i++) await expect(catalog.resolve('nope', '')).rejects.toBeInstanceOf(NotFoundError);
  expect(registry.resolveCalls).toBe(1);
  catalog.close();
});

test('a model created after a NOT_FOUND is served as soon as the change feed reports it', async () => {
  const registry = new FakeRegistry();
  const catalog = catalogOf(registry);
  await expect(catalog.resolve('late', '')).rejects.toBeInstanceOf(NotFoundError);
  registry.models.add('late');
  registry.changed('late');
  await expect(catalog.resolve('late', '')).resolves.toMatchObject({ model: 'late' });
  catalog.close();
});

test('a NOT_FOUND is asked again after at most a second, even without a change event', async () => {
  await withFakeTimers(async () => {
    const registry = new FakeRegistry();
    const catalog = catalogOf(registry);
    await expect(catalog.resolve('nope', '')).rejects.toBeInstanceOf(NotFoundError);
    jest.setSystemTime(Date.now() + 1001);
    await expect(catalog.resolve('nope', '')).rejects.toBeInstanceOf(NotFoundError);
    expect(registry.resolveCalls).toBe(2);
    catalog.close();
  });
});

test('other failures are not remembered: the next request asks the registry again', async () => {
  const registry = new FakeRegistry();
  registry.down = true;
  const catalog = catalogOf(registry);
  await expect(catalog.resolve('m', '')).rejects.toBeInstanceOf(UnavailableError);
  registry.down = false;
  registry.models.add('m');
  await expect(catalog.resolve('m', '')).resolves.toMatchObject({ model: 'm' });
  expect(registry.resolveCalls).toBe(2);
  catalog.close();
});

test('registry down: every request for a known model gets the last good resolution, also those arriving during a failing refresh', async () => {
  await withFakeTimers(async () => {
    const registry = new FakeRegistry();
    registry.models.add('m');
    const catalog = catalogOf(registry, 100);
    await expect(catalog.resolve('m', '')).resolves.toMatchObject({ model: 'm' });
    registry.down = true;
    // A change event drops the cached entry (as a promote would), then the registry goes away.
    registry.changed('m');
    const during = await Promise.all(Array.from({ length: 10 }, () => catalog.resolve('m', '')));
    expect(during.every((r) => r.model === 'm')).toBe(true);
    jest.setSystemTime(Date.now() + 5000);
    await expect(catalog.resolve('m', '')).resolves.toMatchObject({ model: 'm' }); // still down, still served
    registry.down = false;
    jest.setSystemTime(Date.now() + 5000);
    await catalog.resolve('m', '');
    expect(registry.resolveCalls).toBeGreaterThanOrEqual(3); // it kept asking, about once a second
    catalog.close();
  });
});

test('an entry expired by the TTL is answered at once while one refresh runs behind it', async () => {
  await withFakeTimers(async () => {
    const registry = new FakeRegistry();
    registry.models.add('m');
    const catalog = catalogOf(registry, 100);
    await catalog.resolve('m', '');
    jest.setSystemTime(Date.now() + 200);
    await Promise.all(Array.from({ length: 5 }, () => catalog.resolve('m', '')));
    expect(registry.resolveCalls).toBe(2); // one background refresh for five requests
    catalog.close();
  });
});

test('a model deleted in the registry is NOT_FOUND, not served from its last good resolution', async () => {
  const registry = new FakeRegistry();
  registry.models.add('m');
  const catalog = catalogOf(registry);
  await catalog.resolve('m', '');
  registry.models.delete('m');
  registry.changed('m');
  await expect(catalog.resolve('m', '')).rejects.toBeInstanceOf(NotFoundError);
  catalog.close();
});

test('a model deleted while its entry refreshes after the TTL is NOT_FOUND from then on', async () => {
  await withFakeTimers(async () => {
    const registry = new FakeRegistry();
    registry.models.add('m');
    const catalog = catalogOf(registry, 100);
    await catalog.resolve('m', '');
    registry.models.delete('m');
    jest.setSystemTime(Date.now() + 200);
    await expect(catalog.resolve('m', '')).resolves.toMatchObject({ model: 'm' }); // answered at once, refresh behind
    await new Promise((r) => setImmediate(r));
    await expect(catalog.resolve('m', '')).rejects.toBeInstanceOf(NotFoundError);
    catalog.close();
  });
});
