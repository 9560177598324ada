/**
 * docs/clients.md's examples, run as written against a real stack (auth on, the key in $MAAS_API_KEY): each
 * block marked `<!-- example: NAME expect: REGEX -->` runs (python with the pinned tritonclient, bash with
 * grpcurl/curl, TypeScript with @maas/client) and its output must match REGEX. Only the ports change:
 * localhost:8001 / localhost:8000 become the stack's, since `make up`'s ports are not for tests. Shell examples
 * run from the repo root, as the doc says.
 *
 * The examples named `*-tls` run against a second stack started with mutual TLS by the harness, from a dev CA
 * that scripts/tls/gen-dev-certs.sh writes (as `make up TLS=1` does) into `.run/tls/` of a scratch folder that
 * stands in for the repo root (its `protos` and `node_modules/@maas/client` link to the repo's), so the
 * examples' `.run/tls/...` paths are read as written without touching the repo's own `.run/`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { generateTestCerts, REPO_ROOT, startStack, type Stack } from '@maas/testing';
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

const ALL = examples(path.join(REPO_ROOT, 'docs/clients.md'));
const DOC = ALL.filter((e) => !e.name.endsWith('-tls'));
const TLS_DOC = ALL.filter((e) => e.name.endsWith('-tls'));

/** Runs one example from `cwd` with `env`, the ports of `stack` in place of 8001 / 8000 (host as `host`); returns its output. */
function runExample(example: Example, stack: Stack, env: NodeJS.ProcessEnv, cwd: string, host?: string): string {
  const port = (address: string): string => address.replace(/^.*:/, '');
  const grpcAddress = host ? `${host}:${port(stack.gateway.grpcAddress)}` : stack.gateway.grpcAddress;
  const httpAddress = host ? `${host}:${port(stack.gateway.httpUrl)}` : stack.gateway.httpUrl.replace(/^https?:\/\//, '');
  const code = example.code.replaceAll('localhost:8001', grpcAddress).replaceAll('localhost:8000', httpAddress);
  if (example.lang === 'python') return execFileSync(path.join(REPO_ROOT, '.tools/py/bin/python'), ['-c', code], { env, encoding: 'utf8', cwd });
  if (example.lang === 'bash') return execFileSync('bash', ['-euo', 'pipefail', '-c', code], { env, encoding: 'utf8', cwd });
  if (example.lang === 'ts') {
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    // Run where @maas/client resolves to the built workspace package (test/, or the TLS scratch root's link).
    return execFileSync('node', ['-e', js], { env, encoding: 'utf8', cwd: cwd === REPO_ROOT ? path.join(REPO_ROOT, 'test') : cwd });
  }
  throw new Error(`example ${example.name}: no runner for ${example.lang}`);
}

/** Starts a stack with auth on (KEY, tenant docs, every model) and `identity` uploaded. */
async function startDocStack(dir: string, tls?: ReturnType<typeof generateTestCerts>): Promise<Stack> {
  const keysFile = path.join(dir, 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify([{ sha256: hashApiKey(KEY), tenant: 'docs', models: ['*'] }]));
  const stack = await startStack({ workers: 1, gatewayEnv: { MAAS_AUTH_ENABLED: 'true', MAAS_AUTH_KEYS_FILE: keysFile }, ...(tls ? { tls } : {}) });
  try {
    const fx = await prepareFixtures(stack.dir);
    const registry = registryClient(stack.registry.address, tls?.transport());
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching: { max_batch_size: 64, dynamic_batching: true, max_queue_delay_us: 500, preferred_batch_sizes: [] } } });
    registry.close();
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

function toolsEnv(): NodeJS.ProcessEnv {
  return { ...process.env, MAAS_API_KEY: KEY, PATH: `${path.join(REPO_ROOT, '.tools/bin')}:${process.env['PATH'] ?? ''}` };
}

function ensureTools(): void {
  execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-go-tools.sh'), ['grpcurl'], { stdio: ['ignore', 'inherit', 'inherit'] });
  execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-python-tools.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
}

describe('docs/clients.md examples', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    ensureTools();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-doc-'));
    stack = await startDocStack(dir);
    env = toolsEnv();
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has the examples the doc promises', () => {
    expect(DOC.map((e) => e.name)).toEqual(['python-grpc', 'python-http', 'grpcurl-infer', 'grpcurl-metadata', 'curl-infer', 'curl-error', 'typescript']);
  });

  it.each(DOC.map((e) => [e.name, e] as const))('%s runs as written and prints what it says', (_name, example) => {
    expect(runExample(example, stack, env, REPO_ROOT).trim()).toMatch(example.expect);
  });
});

describe('docs/clients.md examples over mutual TLS', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  let root: string;

  beforeAll(async () => {
    ensureTools();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-doc-tls-'));
    const certs = generateTestCerts(path.join(root, '.run/tls'));
    fs.symlinkSync(path.join(REPO_ROOT, 'protos'), path.join(root, 'protos'));
    fs.mkdirSync(path.join(root, 'node_modules/@maas'), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, 'test/node_modules/@maas/client')), path.join(root, 'node_modules/@maas/client'));
    stack = await startDocStack(root, certs);
    env = toolsEnv();
  });
  afterAll(async () => {
    await stack?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('has the TLS examples the doc promises', () => {
    expect(TLS_DOC.map((e) => e.name)).toEqual(['python-grpc-tls', 'python-http-tls', 'grpcurl-infer-tls', 'curl-infer-tls', 'typescript-tls']);
  });

  it('the stack refuses plaintext, so the examples really speak TLS', () => {
    const plain = ALL.find((e) => e.name === 'curl-infer')!;
    expect(() => runExample(plain, stack, { ...env }, REPO_ROOT, 'localhost')).toThrow();
  });

  it.each(TLS_DOC.map((e) => [e.name, e] as const))('%s runs as written and prints what it says', (_name, example) => {
    expect(runExample(example, stack, env, root, 'localhost').trim()).toMatch(example.expect);
  });
});
