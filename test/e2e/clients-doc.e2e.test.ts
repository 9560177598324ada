/**
 * docs/clients.md's examples, run as written against a real stack (auth on, the key in $MAAS_API_KEY): each
 * block marked `<!-- example: NAME expect: REGEX -->` runs (python with the pinned tritonclient, bash with
 * grpcurl/curl, TypeScript with @maas/client) and its output must match REGEX. Only the ports change:
 * localhost:8001 / localhost:8000 become the stack's, since `make up`'s ports are not for tests. Shell examples
 * run from the repo root, as the doc says.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT, startStack, type Stack } from '@maas/testing';
import { hashApiKey } from '../support/api-keys';
import { prepareFixtures } from '../support/fixtures';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(180_000);

const KEY = 'docs-example-key-0123456789';

interface Example {
  name: string;
  expect: RegExp;
  lang: string;
  code: string;
}

/** The marked examples of a Markdown file, in order. */
function examples(file: string): Example[] {
  const text = fs.readFileSync(file, 'utf8');
  const re = /<!-- example: (\S+) expect: (.*?) -->\n```(\w+)\n([\s\S]*?)\n```/g;
  return [...text.matchAll(re)].map((m) => ({ name: m[1]!, expect: new RegExp(m[2]!, 'm'), lang: m[3]!, code: m[4]! }));
}

const DOC = examples(path.join(REPO_ROOT, 'docs/clients.md'));

describe('docs/clients.md examples', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-go-tools.sh'), ['grpcurl'], { stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-python-tools.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-doc-'));
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([{ sha256: hashApiKey(KEY), tenant: 'docs', models: ['*'] }]));
    stack = await startStack({ workers: 1, gatewayEnv: { MAAS_AUTH_ENABLED: 'true', MAAS_AUTH_KEYS_FILE: keysFile } });
    const fx = await prepareFixtures(stack.dir);
    const registry = registryClient(stack.registry.address);
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching: { max_batch_size: 64, dynamic_batching: true, max_queue_delay_us: 500, preferred_batch_sizes: [] } } });
    registry.close();
    env = { ...process.env, MAAS_API_KEY: KEY, PATH: `${path.join(REPO_ROOT, '.tools/bin')}:${process.env['PATH'] ?? ''}` };
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has the examples the doc promises', () => {
    expect(DOC.map((e) => e.name)).toEqual(['python-grpc', 'python-http', 'grpcurl-infer', 'grpcurl-metadata', 'curl-infer', 'curl-error', 'typescript']);
  });

  it.each(DOC.map((e) => [e.name, e] as const))('%s runs as written and prints what it says', (_name, example) => {
    const grpcAddress = stack.gateway.grpcAddress;
    const httpAddress = stack.gateway.httpUrl.replace(/^http:\/\//, '');
    const code = example.code.replaceAll('localhost:8001', grpcAddress).replaceAll('localhost:8000', httpAddress);
    let out: string;
    if (example.lang === 'python') out = execFileSync(path.join(REPO_ROOT, '.tools/py/bin/python'), ['-c', code], { env, encoding: 'utf8' });
    else if (example.lang === 'bash') out = execFileSync('bash', ['-euo', 'pipefail', '-c', code], { env, encoding: 'utf8', cwd: REPO_ROOT });
    else if (example.lang === 'ts') {
      const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      // Run from test/, where @maas/client resolves to the built workspace package.
      out = execFileSync('node', ['-e', js], { env, encoding: 'utf8', cwd: path.join(REPO_ROOT, 'test') });
    } else throw new Error(`example ${example.name}: no runner for ${example.lang}`);
    expect(out.trim()).toMatch(example.expect);
  });
});
