/**
 * The `maas models` CLI as a user runs it (node services/cli/dist/main.js) against a real registry process:
 * push with a config and an alias, ls/show, canary promote and rollback, refusals that print the server's
 * message and exit non-zero, download with checksum, and an import of a Triton model repository.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Alias__Output, ListVersionsResponse__Output } from '@maas/protos';
import { REPO_ROOT } from '@maas/testing';
import { brokenModel } from '../fixtures/models/onnx-builder';
import { OCR_CLS_MODEL, sha256, startRegistry, tempDir, type RegistryUnderTest } from './registry-harness';

jest.setTimeout(60_000);

const CLI = path.join(REPO_ROOT, 'services/cli/dist/main.js');

describe('maas models CLI', () => {
  const root = tempDir('registry-cli');
  const work = tempDir('cli-work');
  let registry: RegistryUnderTest;
  const maas = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, MAAS_REGISTRY_ADDRESS: registry.address, MAAS_ACTOR: 'cli-test' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    registry = await startRegistry(root);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('pushes, lists, shows, promotes a canary, rolls back, and downloads', async () => {
    const config = path.join(work, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ batching: { max_batch_size: 16, dynamic_batching: true, preferred_batch_sizes: [8, 16] }, labels: ['0', '180'] }));
    const first = maas('models', 'push', OCR_CLS_MODEL, '--name', 'ocr-cls', '--alias', 'production', '--config', config, '--progress', '-m', 'framework=paddle');
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^pushed ocr-cls v1 .*production → v1/) });
    expect(first.stderr).toMatch(/uploading ocr-cls \[#+\] 100%/);
    expect(maas('models', 'push', OCR_CLS_MODEL, '--name', 'ocr-cls').code).toBe(0);

    expect(maas('models', 'ls').stdout).toMatch(/^MODEL\s+LATEST\s+VERSIONS[\s\S]*\nocr-cls\s+v2\s+2\b/);
    expect(maas('models', 'ls', 'ocr-cls').stdout).toMatch(/\n1\s+onnx\s+.*\s16\s+.*production\n2\s+onnx/);
    const show = maas('models', 'show', 'ocr-cls', '1');
    expect(show.stdout).toContain(`sha256     ${sha256(fs.readFileSync(OCR_CLS_MODEL))}`);
    expect(show.stdout).toMatch(/x\s+FP32\s+\[-1,3,-1,-1\]/);
    expect(show.stdout).toMatch(/framework\s+paddle/);

    expect(maas('models', 'promote', 'ocr-cls', '2', '--alias', 'production', '--weight', '10').stdout).toMatch(/production → v1 90%, v2 10%/);
    const alias = await registry.call<unknown, Alias__Output>('GetAlias', { model: 'ocr-cls', name: 'production' });
    expect(alias.targets).toEqual([{ version: 1, weight: 90 }, { version: 2, weight: 10 }]);
    expect(alias.history[0]?.actor).toBe('cli-test');
    expect(maas('models', 'rollback', 'ocr-cls', '--alias', 'production').stdout).toMatch(/rolled back → v1 100%/);

    const out = path.join(work, 'down.onnx');
    expect(maas('models', 'download', 'ocr-cls', '2', '-o', out).code).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(OCR_CLS_MODEL))).toBe(true);
  });

  it('prints the server\'s message and exits non-zero when refused', () => {
    const aliased = maas('models', 'rm', 'ocr-cls', '1');
    expect(aliased.code).toBe(1);
    expect(aliased.stderr).toBe('error: version 1 of model "ocr-cls" is in use by alias "production"; move the alias first (FAILED_PRECONDITION)\n');
    const broken = path.join(work, 'broken.onnx');
    fs.writeFileSync(broken, brokenModel());
    const bad = maas('models', 'push', broken, '--name', 'ocr-cls');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: model.onnx is not a loadable ONNX model: .*\(INVALID_ARGUMENT\)\n$/);
    expect(maas('models', 'push', OCR_CLS_MODEL, '--name', 'Not_A_Label').stderr).toMatch(/invalid model name "Not_A_Label"/);
    expect(maas('models', 'show', 'missing').stderr).toBe('error: model "missing" not found (NOT_FOUND)\n');
    expect(maas('models', 'rm', 'ocr-cls', '2')).toMatchObject({ code: 0, stdout: 'deleted ocr-cls v2\n' });
    const help = maas('models', 'promote', '--help');
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('--weight <percent>') });
  });

  it('imports the ONNX models of a Triton repository and skips the rest with a reason', async () => {
    const triton = tempDir('triton-repo');
    const cls = path.join(triton, 'text_cls');
    for (const v of ['1', '3']) {
      fs.mkdirSync(path.join(cls, v), { recursive: true });
      fs.copyFileSync(OCR_CLS_MODEL, path.join(cls, v, 'model.onnx'));
    }
    fs.writeFileSync(path.join(cls, 'labels.txt'), '0\n180\n');
    fs.writeFileSync(
      path.join(cls, 'config.pbtxt'),
      [
        'name: "text_cls"  # the PaddleOCR orientation classifier',
        'platform: "onnxruntime_onnx"',
        'max_batch_size: 8',
        'input [ { name: "x" data_type: TYPE_FP32 dims: [ 3, 48, 192 ] } ]',
        'output [ { name: "softmax_0.tmp_0" data_type: TYPE_FP32 dims: [ 2 ] label_filename: "labels.txt" } ]',
        'dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 500 }',
        'instance_group [ { count: 1 kind: KIND_CPU } ]',
      ].join('\n'),
    );
    fs.mkdirSync(path.join(triton, 'resnet_trt/1'), { recursive: true });
    fs.writeFileSync(path.join(triton, 'resnet_trt/1/model.plan'), 'plan');
    fs.writeFileSync(path.join(triton, 'resnet_trt/config.pbtxt'), 'platform: "tensorrt_plan"\nmax_batch_size: 4\n');
    fs.mkdirSync(path.join(triton, 'tokenizer_py/1'), { recursive: true });
    fs.writeFileSync(path.join(triton, 'tokenizer_py/config.pbtxt'), 'backend: "python"\n');

    const r = maas('models', 'import-triton', triton, '--alias', 'production');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('imported text_cls/1 as text-cls v1\nimported text_cls/3 as text-cls v2 (production)\n');
    expect(r.stderr).toMatch(/skipping resnet_trt: not an ONNX model \(platform "tensorrt_plan"/);
    expect(r.stderr).toMatch(/skipping tokenizer_py: not an ONNX model .*backend "python"/);
    const { versions } = await registry.call<unknown, ListVersionsResponse__Output>('ListVersions', { model: 'text-cls' });
    expect(versions.map((v) => [v.version, v.config?.batching, v.config?.labels, v.user_metadata['source']])).toEqual([
      [1, { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 500, preferred_batch_sizes: [4, 8] }, ['0', '180'], 'triton:text_cls/1'],
      [2, { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 500, preferred_batch_sizes: [4, 8] }, ['0', '180'], 'triton:text_cls/3'],
    ]);
    expect(await registry.call('GetAlias', { model: 'text-cls', name: 'production' })).toMatchObject({ targets: [{ version: 2, weight: 100 }] });
  });
});
