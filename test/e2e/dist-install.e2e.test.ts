/**
 * `make dist`'s tarballs install with plain npm on a machine without the repo: the SDK into an empty project
 * (type-checked and inferring in three lines against a real gateway), the CLI globally (`maas --help`,
 * `maas infer`). Installs run `--offline` with an empty npm cache: the tarballs carry everything they need.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, startStack, type Stack } from '@maas/testing';
import { prepareFixtures } from '../support/fixtures';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(300_000);

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs a command outside the repo, with no NODE_PATH, so nothing resolves from the checkout. */
function run(cmd: string, args: string[], cwd: string): string {
  const env = { ...process.env };
  delete env['NODE_PATH'];
  delete env['MAAS_PROTO_ROOT'];
  return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('make dist tarballs', () => {
  let stack: Stack;
  let dir: string;
  let clientTgz: string;
  let cliTgz: string;

  beforeAll(async () => {
    run('node', [path.join(REPO_ROOT, 'scripts/dist.js')], REPO_ROOT);
    clientTgz = path.join(REPO_ROOT, 'dist', `maas-client-${VERSION}.tgz`);
    cliTgz = path.join(REPO_ROOT, 'dist', `maas-cli-${VERSION}.tgz`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-dist-'));
    stack = await startStack({ workers: 1 });
    const fx = await prepareFixtures(stack.dir);
    const registry = registryClient(stack.registry.address);
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching: { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 1000, preferred_batch_sizes: [] } } });
    registry.close();
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const npmInstall = (args: string[], cwd: string): string =>
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(dir, 'empty-npm-cache'), ...args], cwd);

  it('installs the SDK into an empty project; it type-checks and infers in three lines', () => {
    const project = path.join(dir, 'service');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'some-service', private: true }));
    npmInstall([clientTgz], project);
    fs.writeFileSync(path.join(project, 'infer.ts'), [
      "import { InferenceClient } from '@maas/client';",
      'const c = new InferenceClient({ address: process.argv[2]! });',
      "void c.infer('identity', { x: { datatype: 'FP32', shape: [1, 4], data: new Float32Array([1, 2, 3, 4]) } }).then((r) => { console.log(JSON.stringify(Array.from(r.outputs['y']!.data as Float32Array))); c.close(); });",
    ].join('\n'));
    const tsc = path.join(REPO_ROOT, 'node_modules/.bin/tsc');
    run(tsc, ['--strict', '--noUncheckedIndexedAccess', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--typeRoots', path.join(REPO_ROOT, 'node_modules/@types'), '--types', 'node', 'infer.ts'], project);
    expect(run('node', ['infer.js', stack.gateway.grpcAddress], project).trim()).toBe('[1,2,3,4]');
  });

  it('installs the CLI globally: `maas --help` and `maas infer` work with no repo around', () => {
    const prefix = path.join(dir, 'global');
    npmInstall(['-g', '--prefix', prefix, cliTgz], dir);
    const maas = path.join(prefix, 'bin/maas');
    expect(run(maas, ['--help'], dir)).toMatch(/Usage: maas .*\n[\s\S]*infer \[options\] <model>/);
    expect(run(maas, ['--version'], dir).trim()).toBe(VERSION);
    const out = JSON.parse(run(maas, ['infer', 'identity', '--input', 'x=[[1,2,3,4]]', '--gateway', stack.gateway.grpcAddress], dir)) as { outputs: Array<{ name: string; data: number[] }> };
    expect(out.outputs).toEqual([expect.objectContaining({ name: 'y', shape: [1, 4], data: [1, 2, 3, 4] })]);
  });
});
