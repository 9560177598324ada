/**
 * The registry as a real process on a real disk, with real models: uploads (ONNX and bundles) round-trip
 * byte for byte, metadata equals what onnxruntime-node reports, bad uploads leave nothing behind, aliases
 * and rollbacks reach a watcher within a second, and the metrics count what happened.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Alias__Output, ListAuditLogResponse__Output, ListVersionsResponse__Output, Model__Output, ResolveResponse__Output } from '@maas/protos';
import { REPO_ROOT, waitFor } from '@maas/testing';
import { brokenModel, identityModel } from '../fixtures/models/onnx-builder';
import { download, listFiles, OCR_CLS_MODEL, OCR_KEYS_FILE, sha256, startRegistry, tempDir, upload, watch, type RegistryUnderTest } from './registry-harness';

jest.setTimeout(60_000);

/** onnxruntime-node as the registry itself resolves it (the test package does not depend on it). */
interface OrtValueMetadata { name: string; isTensor: boolean; type?: string; shape?: Array<number | string> }
const ort = createRequire(path.join(REPO_ROOT, 'services/registry/package.json'))('onnxruntime-node') as {
  InferenceSession: { create(file: string): Promise<{ inputMetadata: OrtValueMetadata[]; outputMetadata: OrtValueMetadata[]; release(): Promise<void> }> };
};

const IDENTITY = identityModel([
  { input: 'x', output: 'y', type: 'float32', shape: ['batch', 4] },
  { input: 'ids', output: 'ids_out', type: 'int64', shape: ['batch', 'seq'] },
  { input: 'text', output: 'text_out', type: 'string', shape: ['batch'] },
]);
const FIXED = identityModel([{ input: 'x', output: 'y', type: 'float32', shape: [1, 4] }]);

const codeOf = (p: Promise<unknown>): Promise<{ code: number; details: string }> =>
  p.then(
    () => ({ code: status.OK, details: '' }),
    (err: ServiceError) => ({ code: err.code, details: err.details }),
  );

describe('registry service (real process, real files, real models)', () => {
  const root = tempDir('registry-root');
  let registry: RegistryUnderTest;

  beforeAll(async () => {
    registry = await startRegistry(root, { MAAS_REGISTRY_MAX_ARTIFACT_BYTES: '2MiB', MAAS_REGISTRY_WATCH_HEARTBEAT_MS: '300' });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const versionsOf = async (model: string): Promise<number[]> =>
    (await registry.call<unknown, ListVersionsResponse__Output>('ListVersions', { model })).versions.map((v) => v.version);
  const tempEntries = (): string[] => fs.readdirSync(path.join(root, '.tmp'));

  it('round-trips the PaddleOCR classifier: sha256, bytes and the signature onnxruntime-node reports', async () => {
    const data = fs.readFileSync(OCR_CLS_MODEL);
    const version = await upload(registry.client, data, { model: 'ocr-cls', create_model: true, owner_tenant: 'vision', user_metadata: { framework: 'paddle' }, config: { batching: { max_batch_size: 32, dynamic_batching: true, max_queue_delay_us: 2000, preferred_batch_sizes: [8, 32] }, labels: ['0', '180'] } });
    expect(version).toMatchObject({ model: 'ocr-cls', version: 1, sha256: sha256(data), size_bytes: data.length, batch_dim: true, artifact_kind: 'onnx' });
    expect(version.files).toEqual([{ path: 'model.onnx', sha256: sha256(data), size_bytes: data.length }]);
    expect(version.config?.batching?.preferred_batch_sizes).toEqual([8, 32]);

    const session = await ort.InferenceSession.create(OCR_CLS_MODEL);
    const asSpec = (m: OrtValueMetadata) => ({ name: m.name, shape: (m.shape ?? []).map((d) => (typeof d === 'number' ? d : -1)) });
    expect(version.inputs.map((t) => ({ name: t.name, shape: t.shape }))).toEqual(session.inputMetadata.map(asSpec));
    expect(version.outputs.map((t) => ({ name: t.name, shape: t.shape }))).toEqual(session.outputMetadata.map(asSpec));
    expect(version.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
    await session.release();

    const models = await registry.call<unknown, { models: Model__Output[] }>('ListModels', { owner_tenant: 'vision' });
    expect(models.models.map((m) => [m.name, m.latest_version, m.versions])).toEqual([['ocr-cls', 1, [1]]]);
    const got = await download(registry.client, 'ocr-cls', 1);
    expect(got.header).toEqual({ path: 'model.onnx', sha256: sha256(data), size_bytes: data.length });
    expect(sha256(got.data)).toBe(sha256(data));
    expect(fs.readFileSync(path.join(root, 'ocr-cls/1/model.onnx')).equals(data)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'ocr-cls/1/version.json'), 'utf8'))).toMatchObject({ version: 1, sha256: sha256(data) });
  });

  it('maps ORT element types to KServe datatypes and accepts a bundle with side files', async () => {
    const work = tempDir('bundle');
    fs.writeFileSync(path.join(work, 'model.onnx'), IDENTITY);
    fs.copyFileSync(OCR_KEYS_FILE, path.join(work, 'ppocr_keys_v1.txt'));
    fs.writeFileSync(path.join(work, 'labels.txt'), 'cat\ndog\n');
    execFileSync('tar', ['-cf', 'bundle.tar', 'model.onnx', 'ppocr_keys_v1.txt', 'labels.txt'], { cwd: work });
    const bundle = fs.readFileSync(path.join(work, 'bundle.tar'));
    const version = await upload(registry.client, bundle, { model: 'identity', create_model: true, artifact_kind: 'bundle' }, { chunkBytes: 4096 });
    expect(version.artifact_kind).toBe('bundle');
    expect(version.sha256).toBe(sha256(bundle));
    expect(version.batch_dim).toBe(true);
    expect(version.inputs).toEqual([
      { name: 'x', datatype: 'FP32', shape: [-1, 4] },
      { name: 'ids', datatype: 'INT64', shape: [-1, -1] },
      { name: 'text', datatype: 'BYTES', shape: [-1] },
    ]);
    expect(version.files.map((f) => f.path)).toEqual(['model.onnx', 'labels.txt', 'ppocr_keys_v1.txt']);
    const keys = await download(registry.client, 'identity', version.version, 'ppocr_keys_v1.txt');
    expect(keys.data.equals(fs.readFileSync(OCR_KEYS_FILE))).toBe(true);
    expect(keys.header?.sha256).toBe(sha256(keys.data));
    const model = await download(registry.client, 'identity', version.version);
    expect(model.data.equals(IDENTITY)).toBe(true);
    expect((await codeOf(download(registry.client, 'identity', version.version, 'nope.txt'))).code).toBe(status.NOT_FOUND);
  });

  it('refuses corrupt, unloadable, mis-hashed, truncated, cancelled and oversized uploads, leaving nothing behind', async () => {
    await registry.call('CreateModel', { name: 'refusals' });
    const good = IDENTITY;
    const cases: Array<[string, () => Promise<unknown>, number, RegExp]> = [
      ['corrupt bytes', () => upload(registry.client, Buffer.from('this is not an onnx model at all'), { model: 'refusals' }), status.INVALID_ARGUMENT, /not a loadable ONNX model/],
      ['ORT refuses the graph', () => upload(registry.client, brokenModel(), { model: 'refusals' }), status.INVALID_ARGUMENT, /not a loadable ONNX model.*missing/],
      ['wrong checksum', () => upload(registry.client, good, { model: 'refusals', sha256: 'ab'.repeat(32) }), status.INVALID_ARGUMENT, /sha256 mismatch/],
      ['stream ends early', () => upload(registry.client, good, { model: 'refusals' }, { chunkBytes: 100, stopAfterBytes: 200 }), status.INVALID_ARGUMENT, /ended after 200 of the declared/],
      ['over the size limit', () => upload(registry.client, Buffer.alloc(3 * 2 ** 20), { model: 'refusals' }), status.INVALID_ARGUMENT, /over the registry's limit of 2097152 bytes/],
      ['bundle that is not a tar', () => upload(registry.client, good, { model: 'refusals', artifact_kind: 'bundle' }), status.INVALID_ARGUMENT, /not a valid tar archive/],
      ['unknown model', () => upload(registry.client, good, { model: 'nobody' }), status.NOT_FOUND, /not found/],
      ['bad model name', () => upload(registry.client, good, { model: 'Bad_Name', create_model: true }), status.INVALID_ARGUMENT, /invalid model name "Bad_Name"/],
    ];
    for (const [what, attempt, code, message] of cases) {
      const result = await codeOf(attempt());
      expect({ what, code: result.code }).toEqual({ what, code });
      expect(result.details).toMatch(message);
    }
    // A cancelled stream: the server sees the cancel and removes its temp folder.
    await codeOf(upload(registry.client, good, { model: 'refusals' }, { chunkBytes: 100, stopAfterBytes: 300, cancel: true, delayMs: 5 }));
    await waitFor(() => tempEntries().length === 0, 5000, 'temp folder emptied after a cancelled upload');
    expect(await versionsOf('refusals')).toEqual([]);
    expect(listFiles(path.join(root, 'refusals'))).toEqual(['aliases.json', 'model.json']);
    expect(fs.existsSync(path.join(root, 'nobody'))).toBe(false);
  });

  it('validates configs against the model: batching needs a batch dim, sizes within max, pipelines parse', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ batching: { max_batch_size: 8 } }, /needs a model whose dim 0 is a dynamic batch dimension/],
      [{ batching: { max_batch_size: 0, dynamic_batching: true } }, /dynamic_batching needs batching.max_batch_size > 0/],
      [{ pipeline_json: '{not json' }, /pipeline_json is not valid JSON/],
      [{ pipeline_json: '[1,2]' }, /pipeline_json: .*expected a JSON object/],
      [{ pipeline_json: '{"input":"image","preprocess":[{"op":"resize","height":-3}]}' }, /pipeline_json: .*resize/],
      [{ runtime: { execution_providers: ['cdua'] } }, /execution_providers holds "cdua"/],
    ];
    await registry.call('CreateModel', { name: 'fixed' });
    for (const [config, message] of bad) {
      const result = await codeOf(upload(registry.client, FIXED, { model: 'fixed', config: config as never }));
      expect(result.code).toBe(status.INVALID_ARGUMENT);
      expect(result.details).toMatch(message);
    }
    const v = await upload(registry.client, FIXED, { model: 'fixed', config: { pipeline_json: '{"input":"text","preprocess":[{"op":"tokenize","file":"vocab.txt","maxLength":8}],"postprocess":[{"op":"softmax"}]}', runtime: { execution_providers: ['cuda', 'cpu'], intra_op_threads: 2 } } });
    expect(v).toMatchObject({ version: 1, batch_dim: false });
    const preferred = await codeOf(registry.call('UpdateVersionConfig', { model: 'ocr-cls', version: 1, config: { batching: { max_batch_size: 4, preferred_batch_sizes: [8] } } }));
    expect(preferred.details).toMatch(/preferred_batch_sizes holds 8; each must be 1..max_batch_size \(4\)/);
    expect(tempEntries()).toEqual([]);
  });

  it('gives concurrent uploads to one model distinct version numbers', async () => {
    await registry.call('CreateModel', { name: 'parallel' });
    const results = await Promise.all([0, 1, 2, 3].map((i) => upload(registry.client, identityModel([{ input: `x${i}`, output: 'y', type: 'float32', shape: ['n'] }]), { model: 'parallel' }, { chunkBytes: 16 })));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(results.map((r) => r.inputs[0]!.name)).size).toBe(4);
    expect(await versionsOf('parallel')).toEqual([1, 2, 3, 4]);
  });

  it('moves, splits and rolls back aliases, seen by a watcher within a second; refuses bad splits and aliased deletes', async () => {
    await upload(registry.client, IDENTITY, { model: 'identity' });
    await upload(registry.client, IDENTITY, { model: 'identity' });
    const watcher = watch(registry.client, '', ['identity']);
    try {
      await waitFor(() => watcher.events.some((e) => e.kind === 'HEARTBEAT'), 2000, 'first heartbeat');
      const seen = async (kind: string, check: (e: (typeof watcher.events)[number]) => boolean): Promise<number> => {
        const start = Date.now();
        await waitFor(() => watcher.events.some((e) => e.kind === kind && check(e)), 1000, `${kind} within 1 s`);
        return Date.now() - start;
      };
      const set = await registry.call<unknown, Alias__Output>('SetAlias', { model: 'identity', name: 'production', targets: [{ version: 1 }] }, 'alice');
      expect(set.targets).toEqual([{ version: 1, weight: 100 }]);
      expect(await seen('ALIAS_CHANGED', (e) => e.alias === 'production' && e.version === 1 && e.actor === 'alice')).toBeLessThan(1000);

      const canary = await registry.call<unknown, Alias__Output>('SetAlias', { model: 'identity', name: 'production', targets: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] }, 'bob');
      expect(canary).toMatchObject({ revision: 2, targets: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] });
      expect(canary.history).toEqual([{ targets: [{ version: 1, weight: 100 }], unix_ms: set.updated_unix_ms, actor: 'alice' }]);
      const resolved = await registry.call<unknown, ResolveResponse__Output>('Resolve', { model: 'identity' });
      expect(resolved).toMatchObject({ alias: 'production', targets: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] });
      expect(resolved.versions.map((v) => v.version)).toEqual([1, 2]);

      const badWeights = await codeOf(registry.call('SetAlias', { model: 'identity', name: 'production', targets: [{ version: 1, weight: 90 }, { version: 2, weight: 20 }] }));
      expect(badWeights).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/weights sum to 110; they must sum to 100/) });
      const missing = await codeOf(registry.call('SetAlias', { model: 'identity', name: 'staging', targets: [{ version: 99 }] }));
      expect(missing).toEqual({ code: status.FAILED_PRECONDITION, details: expect.stringMatching(/has no version 99/) });
      const aliasedDelete = await codeOf(registry.call('DeleteVersion', { model: 'identity', version: 2 }));
      expect(aliasedDelete).toEqual({ code: status.FAILED_PRECONDITION, details: expect.stringMatching(/in use by alias "production"/) });
      expect((await codeOf(registry.call('DeleteModel', { name: 'identity' }))).code).toBe(status.FAILED_PRECONDITION);

      const rolled = await registry.call<unknown, Alias__Output>('RollbackAlias', { model: 'identity', name: 'production' }, 'carol');
      expect(rolled).toMatchObject({ revision: 3, targets: [{ version: 1, weight: 100 }], history: [] });
      expect(await seen('ALIAS_CHANGED', (e) => e.actor === 'carol' && e.version === 1)).toBeLessThan(1000);
      expect((await codeOf(registry.call('RollbackAlias', { model: 'identity', name: 'production' }))).code).toBe(status.FAILED_PRECONDITION);

      // Version 2 is free again: deleting it works and is seen.
      await registry.call('DeleteVersion', { model: 'identity', version: 2 }, 'dave');
      await seen('VERSION_REMOVED', (e) => e.version === 2 && e.actor === 'dave');
      expect(fs.existsSync(path.join(root, 'identity/2'))).toBe(false);
      expect(watcher.events.filter((e) => e.kind !== 'HEARTBEAT').every((e) => e.model === 'identity')).toBe(true);

      const audit = await registry.call<unknown, ListAuditLogResponse__Output>('ListAuditLog', { model: 'identity', limit: 4 });
      expect(audit.entries.map((e) => [e.action, e.actor])).toEqual([
        ['DeleteVersion', 'dave'],
        ['RollbackAlias', 'carol'],
        ['SetAlias', 'bob'],
        ['SetAlias', 'alice'],
      ]);
      expect(JSON.parse(audit.entries[2]!.detail)).toMatchObject({ kind: 'ALIAS_CHANGED', targets: 'v1:90,v2:10' });
    } finally {
      watcher.close();
    }
  });

  it('resumes a watch from a token and refuses a foreign or future token with OUT_OF_RANGE', async () => {
    const first = watch(registry.client);
    await waitFor(() => first.events.length > 0, 2000, 'heartbeat');
    const token = first.events[0]!.token;
    first.close();
    await upload(registry.client, FIXED, { model: 'fixed', alias: 'staging' });
    const resumed = watch(registry.client, token);
    try {
      await waitFor(() => resumed.events.some((e) => e.kind === 'ALIAS_CHANGED'), 1000, 'replayed events');
      expect(resumed.events.filter((e) => e.kind !== 'HEARTBEAT').map((e) => [e.kind, e.model, e.version, e.alias])).toEqual([
        ['VERSION_ADDED', 'fixed', 2, ''],
        ['ALIAS_CHANGED', 'fixed', 2, 'staging'],
      ]);
    } finally {
      resumed.close();
    }
    for (const bad of ['0123abcd.1', `${token.split('.')[0]}.999999`]) {
      const w = watch(registry.client, bad);
      await waitFor(() => w.error(), 2000, 'OUT_OF_RANGE');
      expect(w.error()?.code).toBe(status.OUT_OF_RANGE);
    }
  });

  it('exports maas_registry_* metrics that match what is stored and what happened', async () => {
    const text = await (await fetch(`http://127.0.0.1:${registry.metricsPort}/metrics`)).text();
    const samples = text.split('\n').flatMap((line) => {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) return [];
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      return [{ name: m[1], labels, value: Number(m[3]) }];
    });
    const value = (name: string, labels: Record<string, string> = {}): number =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? NaN;
    const stored = (model: string): number => listFiles(root).filter((f) => f.startsWith(`${model}/`) && !f.endsWith('.json')).reduce((n, f) => n + fs.statSync(path.join(root, f)).size, 0);
    expect(value('maas_registry_artifact_bytes', { model: 'ocr-cls' })).toBe(stored('ocr-cls'));
    expect(value('maas_registry_artifact_bytes', { model: 'identity' })).toBe(stored('identity'));
    expect(value('maas_registry_versions', { model: 'parallel' })).toBe(4);
    expect(value('maas_registry_uploads_total', { outcome: 'checksum_mismatch' })).toBe(1);
    expect(value('maas_registry_uploads_total', { outcome: 'too_large' })).toBe(1);
    expect(value('maas_registry_uploads_total', { outcome: 'ok' })).toBe(value('maas_registry_upload_duration_seconds_count', { outcome: 'ok' }));
    expect(value('maas_registry_artifact_download_bytes_total', {  })).toBeGreaterThan(fs.statSync(OCR_CLS_MODEL).size);
  });

  it('reloads everything after a restart, with resume tokens still valid', async () => {
    const before = await registry.call<unknown, { models: Model__Output[] }>('ListModels', {});
    const aliases = await registry.call<unknown, { aliases: Alias__Output[] }>('ListAliases', { model: 'identity' });
    const w = watch(registry.client);
    await waitFor(() => w.events.length > 0, 2000, 'heartbeat');
    const token = w.events.at(-1)!.token;
    w.close();
    await registry.stop();
    registry = await startRegistry(root, { MAAS_REGISTRY_WATCH_HEARTBEAT_MS: '300' });
    expect(await registry.call('ListModels', {})).toEqual(before);
    expect(await registry.call('ListAliases', { model: 'identity' })).toEqual(aliases);
    const resumed = watch(registry.client, token);
    await registry.call('SetAlias', { model: 'ocr-cls', name: 'production', targets: [{ version: 1 }] });
    await waitFor(() => resumed.events.some((e) => e.kind === 'ALIAS_CHANGED' && e.model === 'ocr-cls'), 1000, 'event after restart');
    resumed.close();
    // Version numbers are never reused: identity got 1..3 and 2 was deleted; the next is 4.
    expect((await upload(registry.client, IDENTITY, { model: 'identity' })).version).toBe(4);
  });
});
