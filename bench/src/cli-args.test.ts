import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCH_FLAGS_HELP, BenchArgsError, parseBenchArgs } from './cli-args';
import { ghzTransportArgs } from './ghz-check';

let dir: string;
let ca: string;
let cert: string;
let key: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-args-'));
  [ca, cert, key] = ['ca.crt', 'client.crt', 'client.key'].map((f) => {
    fs.writeFileSync(path.join(dir, f), '-----BEGIN PLACEHOLDER-----\n');
    return path.join(dir, f);
  }) as [string, string, string];
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function failure(argv: string[]): string {
  try {
    parseBenchArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(BenchArgsError);
    return (err as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

test('no flags: plaintext, no key', () => {
  expect(parseBenchArgs([])).toEqual({ help: false, tls: false });
});

test('--tls, --help and --api-key (both spellings; MAAS_API_KEY as the fallback)', () => {
  expect(parseBenchArgs(['--tls', '--api-key', 'k1'])).toEqual({ help: false, tls: true, apiKey: 'k1' });
  expect(parseBenchArgs(['--api-key=k2', '--help'])).toEqual({ help: true, tls: false, apiKey: 'k2' });
  expect(parseBenchArgs([], { MAAS_API_KEY: 'from-env' }).apiKey).toBe('from-env');
  expect(parseBenchArgs(['--api-key', 'flag'], { MAAS_API_KEY: 'from-env' }).apiKey).toBe('flag');
});

test('--ca, --cert and --key together are taken as given', () => {
  expect(parseBenchArgs(['--tls', '--ca', ca, `--cert=${cert}`, '--key', key]).clientFiles).toEqual({ caFile: ca, certFile: cert, keyFile: key });
});

test('bad combinations are refused with a message naming the flag', () => {
  expect(failure(['--cert', cert])).toMatch(/--cert needs --key/);
  expect(failure(['--key', key])).toMatch(/--key needs --cert/);
  expect(failure(['--ca', ca])).toMatch(/--ca, --cert and --key go together/);
  expect(failure(['--cert', cert, '--key', key])).toMatch(/go together/);
  expect(failure(['--ca', path.join(dir, 'missing.crt'), '--cert', cert, '--key', key])).toMatch(/--ca .*missing\.crt: cannot read it/);
  expect(failure(['--ca', dir, '--cert', cert, '--key', key])).toMatch(/--ca .*: cannot read it \(not a file\)/);
  expect(failure(['--api-key'])).toMatch(/--api-key needs a value/);
  expect(failure(['--ca', '--tls'])).toMatch(/--ca needs a value/);
  expect(failure(['--tsl'])).toMatch(/unknown argument "--tsl"/);
});

test('--help lists every flag', () => {
  expect(BENCH_FLAGS_HELP.map(([f]) => f.split(' ')[0])).toEqual(['--tls', '--ca', '--cert', '--key', '--api-key', '--help']);
});

test('ghz gets --cacert/--cert/--key (not --insecure) over TLS, and the key as metadata', () => {
  const tls = { ca: Buffer.alloc(0), caFile: ca, cert: Buffer.alloc(0), certFile: cert, key: Buffer.alloc(0), keyFile: key };
  expect(ghzTransportArgs({ address: '127.0.0.1:9', tls })).toEqual([`--cacert=${ca}`, `--cert=${cert}`, `--key=${key}`, '--cname=localhost']);
  expect(ghzTransportArgs({ address: '127.0.0.1:9', apiKey: 'k' })).toEqual(['--insecure', '--metadata={"authorization":"Bearer k"}']);
});
