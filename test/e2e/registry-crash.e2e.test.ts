/**
 * Crash safety: the registry is SIGKILLed while an upload is half-way through streaming into its temp
 * folder. After a restart on the same root every committed version is intact (sha256 on disk and over the
 * wire), the partial one is nowhere, the temp folder is empty, and numbering carries on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import type { ListVersionsResponse__Output } from '@maas/protos';
import { waitFor } from '@maas/testing';
import { download, listFiles, OCR_CLS_MODEL, sha256, startRegistry, tempDir, upload, watch, type RegistryUnderTest } from './registry-harness';

jest.setTimeout(60_000);

describe('registry crash safety', () => {
  const root = tempDir('registry-crash');
  let registry: RegistryUnderTest | undefined;
  afterAll(async () => {
    await registry?.stop();
  });

  it('keeps every committed version and no partial one after a SIGKILL mid-upload', async () => {
    registry = await startRegistry(root, { MAAS_REGISTRY_WATCH_HISTORY_EVENTS: '3' });
    const model = fs.readFileSync(OCR_CLS_MODEL);
    const v1 = await upload(registry.client, model, { model: 'ocr-cls', create_model: true, alias: 'production' });
    const v2 = await upload(registry.client, model, { model: 'ocr-cls', user_metadata: { note: 'second' } });
    const w = watch(registry.client);
    await registry.call('SetAlias', { model: 'ocr-cls', name: 'staging', targets: [{ version: 2 }] });
    await waitFor(() => w.events.some((e) => e.kind === 'ALIAS_CHANGED'), 1000, 'event');
    const oldToken = w.events.find((e) => e.kind === 'ALIAS_CHANGED')!.token;
    w.close();

    // Half the model streamed slowly; the registry dies with the upload open.
    const pending = upload(registry.client, model, { model: 'ocr-cls' }, { chunkBytes: 16 * 1024, delayMs: 10, stopAfterBytes: model.length / 2, hold: true }).catch((err: { code: number }) => err);
    const temp = path.join(root, '.tmp');
    await waitFor(() => listFiles(temp).some((f) => fs.statSync(path.join(temp, f)).size >= model.length / 4), 10_000, 'a partial upload on disk');
    await registry.proc.kill();
    expect(((await pending) as { code: number }).code).toBe(status.UNAVAILABLE);
    expect(listFiles(temp).length).toBeGreaterThan(0);
    registry.client.close();

    registry = await startRegistry(root, { MAAS_REGISTRY_WATCH_HISTORY_EVENTS: '3', MAAS_REGISTRY_WATCH_HEARTBEAT_MS: '200' });
    expect(fs.readdirSync(temp)).toEqual([]);
    const versions = await registry.call<unknown, ListVersionsResponse__Output>('ListVersions', { model: 'ocr-cls' });
    expect(versions.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(fs.readdirSync(path.join(root, 'ocr-cls')).sort()).toEqual(['1', '2', 'aliases.json', 'model.json']);
    for (const v of [v1, v2]) {
      expect(sha256(fs.readFileSync(path.join(root, 'ocr-cls', String(v.version), 'model.onnx')))).toBe(v.sha256);
      const got = await download(registry.client, 'ocr-cls', v.version);
      expect(sha256(got.data)).toBe(sha256(model));
    }
    expect(await registry.call('GetAlias', { model: 'ocr-cls', name: 'production' })).toMatchObject({ targets: [{ version: 1, weight: 100 }] });
    expect((await upload(registry.client, model, { model: 'ocr-cls' })).version).toBe(3);

    // Only the 3 newest events are retained: a token just before them still resumes, one older is OUT_OF_RANGE.
    await registry.call('SetAlias', { model: 'ocr-cls', name: 'staging', targets: [{ version: 3 }] });
    await registry.call('RollbackAlias', { model: 'ocr-cls', name: 'staging' });
    const fresh = watch(registry.client, oldToken);
    await waitFor(() => fresh.events.some((e) => e.kind === 'HEARTBEAT') || fresh.error(), 6000, 'resume at the window edge');
    expect(fresh.error()).toBeUndefined();
    expect(fresh.events.filter((e) => e.kind !== 'HEARTBEAT').map((e) => e.kind)).toEqual(['VERSION_ADDED', 'ALIAS_CHANGED', 'ALIAS_CHANGED']);
    fresh.close();
    await registry.call('SetAlias', { model: 'ocr-cls', name: 'production', targets: [{ version: 3 }] });
    const stale = watch(registry.client, oldToken);
    await waitFor(() => stale.error(), 2000, 'OUT_OF_RANGE');
    expect(stale.error()?.code).toBe(status.OUT_OF_RANGE);
    expect(stale.error()?.details).toMatch(/outside the retained history/);
  });
});
