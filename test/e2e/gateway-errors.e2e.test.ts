/**
 * Bad input must get the right status and a useful message, and the gateway must keep serving. Runs a stack
 * with auth on (two tenants), a rate-limited key, a 1 MiB message limit, and a model no worker serves (so
 * its queue fills deterministically).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callUnary, deadlineIn } from '@maas/grpc-kit';
import type { GRPCInferenceServiceClient } from '@maas/protos';
import { startStack, type Stack } from '@maas/testing';
import { hashApiKey } from '../support/api-keys';
import { prepareFixtures, type Fixtures } from '../support/fixtures';
import { inferenceClient } from '../support/inference-client';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(180_000);

const KEY_A = 'key-tenant-a-0123456789';
const KEY_B = 'key-tenant-b-0123456789';
const KEY_SLOW = 'key-rate-limited-0123';

describe('gateway refuses bad requests clearly and keeps serving', () => {
  let stack: Stack;
  let fx: Fixtures;
  let client: GRPCInferenceServiceClient;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-keys-'));
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([
      { sha256: hashApiKey(KEY_A), tenant: 'tenant-a', models: ['identity', 'mlp', 'unserved'] },
      { sha256: hashApiKey(KEY_B), tenant: 'tenant-b', models: ['other'] },
      { sha256: hashApiKey(KEY_SLOW), tenant: 'tenant-a', models: ['*'], rateLimitPerSecond: 0.01, burst: 1 },
    ]));
    stack = await startStack({
      workers: 1,
      gatewayEnv: { MAAS_AUTH_ENABLED: 'true', MAAS_AUTH_KEYS_FILE: keysFile, MAAS_MAX_MESSAGE_BYTES: '1MiB' },
      workerEnv: { MAAS_WORKER_MODELS: 'identity,mlp' },
    });
    fx = await prepareFixtures(stack.dir);
    const registry = registryClient(stack.registry.address);
    const batching = { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 1000, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching } });
    await uploadModel(registry, { model: 'unserved', file: fx.identity, config: { batching, max_queue_depth: 1 } });
    await uploadModel(registry, { model: 'other', file: fx.identity, config: { batching }, ownerTenant: 'tenant-b' });
    registry.close();
    client = inferenceClient(stack.gateway.grpcAddress);
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  const md = (key: string): grpc.Metadata => {
    const m = new grpc.Metadata();
    if (key !== '') m.set('authorization', `Bearer ${key}`);
    return m;
  };
  const f32 = (n: number): Buffer => Buffer.from(new Float32Array(n).buffer);
  const infer = (req: object, key: string = KEY_A, timeoutMs = 5000) =>
    callUnary(client.ModelInfer.bind(client) as never, req, { deadline: deadlineIn(timeoutMs) }, md(key));
  const input = (over: object = {}) => ({ name: fx.identityInput, datatype: 'FP32', shape: [1, 4], ...over });

  const cases: Array<[string, () => Promise<unknown>, grpc.status, RegExp]> = [
    ['wrong dtype', () => infer({ model_name: 'identity', inputs: [input({ datatype: 'FP64' })], raw_input_contents: [Buffer.alloc(32)] }), grpc.status.INVALID_ARGUMENT, /datatype FP64 .*expected FP32/],
    ['wrong shape', () => infer({ model_name: 'identity', inputs: [input({ shape: [1, 5] })], raw_input_contents: [f32(5)] }), grpc.status.INVALID_ARGUMENT, /shape \[1,5\] .*expected \[-1,4\]/],
    ['byte size not matching shape', () => infer({ model_name: 'identity', inputs: [input()], raw_input_contents: [f32(3)] }), grpc.status.INVALID_ARGUMENT, /expected 16 bytes.*got 12/],
    ['missing input', () => infer({ model_name: 'identity', inputs: [] }), grpc.status.INVALID_ARGUMENT, /missing input/],
    ['unknown extra input', () => infer({ model_name: 'identity', inputs: [input(), input({ name: 'extra' })], raw_input_contents: [f32(4), f32(4)] }), grpc.status.INVALID_ARGUMENT, /unknown input "extra"/],
    ['batch over max', () => infer({ model_name: 'identity', inputs: [input({ shape: [17, 4] })], raw_input_contents: [f32(68)] }), grpc.status.INVALID_ARGUMENT, /batch size 17 is over the maximum of 16/],
    ['unknown model', () => infer({ model_name: 'nope', inputs: [input()], raw_input_contents: [f32(4)] }), grpc.status.NOT_FOUND, /nope/],
    ['unknown version', () => infer({ model_name: 'identity', model_version: '99', inputs: [input()], raw_input_contents: [f32(4)] }), grpc.status.NOT_FOUND, /99/],
    ['unknown alias', () => infer({ model_name: 'identity', model_version: 'nightly', inputs: [input()], raw_input_contents: [f32(4)] }), grpc.status.NOT_FOUND, /nightly/],
    ['empty model name', () => infer({ model_name: '', inputs: [input()], raw_input_contents: [f32(4)] }), grpc.status.INVALID_ARGUMENT, /model_name is empty/],
    ['malformed version string', () => infer({ model_name: 'identity', model_version: 'Bad Alias!', inputs: [input()], raw_input_contents: [f32(4)] }), grpc.status.INVALID_ARGUMENT, /model_version/],
    ['oversized message', () => infer({ model_name: 'identity', inputs: [input({ shape: [1, 400_000] })], raw_input_contents: [f32(400_000)] }), grpc.status.RESOURCE_EXHAUSTED, /larger than max|message/i],
    ['unknown datatype', () => infer({ model_name: 'identity', inputs: [input({ datatype: 'FP33' })], raw_input_contents: [f32(4)] }), grpc.status.INVALID_ARGUMENT, /FP33/],
    ['negative dimension', () => infer({ model_name: 'identity', inputs: [input({ shape: [1, -4] })], raw_input_contents: [f32(4)] }), grpc.status.INVALID_ARGUMENT, /shape|dim/i],
    ['contents and raw together', () => infer({ model_name: 'identity', inputs: [input({ contents: { fp32_contents: [1, 2, 3, 4] } })], raw_input_contents: [f32(4)] }), grpc.status.INVALID_ARGUMENT, /either typed contents or raw contents/],
    ['raw count not matching inputs', () => infer({ model_name: 'identity', inputs: [input()], raw_input_contents: [f32(4), f32(4)] }), grpc.status.INVALID_ARGUMENT, /raw_input_contents/],
    ['contents length not matching shape', () => infer({ model_name: 'identity', inputs: [input({ contents: { fp32_contents: [1, 2, 3] } })] }), grpc.status.INVALID_ARGUMENT, /4/],
    ['contents in the wrong field', () => infer({ model_name: 'identity', inputs: [input({ contents: { int_contents: [1, 2, 3, 4] } })] }), grpc.status.INVALID_ARGUMENT, /fp32_contents/],
    ['duplicate input name', () => infer({ model_name: 'identity', inputs: [input(), input()], raw_input_contents: [f32(4), f32(4)] }), grpc.status.INVALID_ARGUMENT, /duplicate/],
    ['unknown requested output', () => infer({ model_name: 'identity', inputs: [input()], raw_input_contents: [f32(4)], outputs: [{ name: 'logits' }] }), grpc.status.INVALID_ARGUMENT, /unknown output "logits"/],
    ['no API key', () => infer({ model_name: 'identity', inputs: [input()], raw_input_contents: [f32(4)] }, ''), grpc.status.UNAUTHENTICATED, /missing API key/],
    ['unknown API key', () => infer({ model_name: 'identity', inputs: [input()], raw_input_contents: [f32(4)] }, 'not-a-key'), grpc.status.UNAUTHENTICATED, /unknown API key/],
    ["another tenant's model", () => infer({ model_name: 'other', inputs: [input()], raw_input_contents: [f32(4)] }), grpc.status.PERMISSION_DENIED, /tenant "tenant-a" may not use model "other"/],
    ['model outside the key\'s list', () => infer({ model_name: 'identity', inputs: [input()], raw_input_contents: [f32(4)] }, KEY_B), grpc.status.PERMISSION_DENIED, /may not use model "identity"/],
    ['shared memory (not supported)', () => callUnary(client.SystemSharedMemoryStatus.bind(client) as never, {}, {}, md(KEY_A)), grpc.status.UNIMPLEMENTED, /not supported/],
  ];

  it.each(cases)('%s', async (_name, call, code, message) => {
    const err = (await call().then(() => undefined, (e: grpc.ServiceError) => e)) as grpc.ServiceError | undefined;
    expect(err).toBeDefined();
    expect({ code: grpc.status[err!.code], details: err!.details }).toMatchObject({ code: grpc.status[code] });
    expect(err!.details).toMatch(message);
  });

  it('quota spent: RESOURCE_EXHAUSTED with when to retry', async () => {
    const req = { model_name: 'identity', inputs: [input()], raw_input_contents: [f32(4)] };
    await infer(req, KEY_SLOW);
    await expect(infer(req, KEY_SLOW)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/rate limit .* retry in \d+ ms/) });
  });

  it('queue full: RESOURCE_EXHAUSTED instead of waiting without bound', async () => {
    const req = { model_name: 'unserved', inputs: [input()], raw_input_contents: [f32(4)] };
    const first = infer(req, KEY_A, 1500).catch((e: grpc.ServiceError) => e);
    await new Promise((r) => setTimeout(r, 200));
    await expect(infer(req, KEY_A, 1500)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/queue/i) });
    // Nobody serves it: the first caller gets DEADLINE_EXCEEDED at its deadline, not a hang.
    expect(await first).toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
  });

  it.each([
    ['malformed JSON → 400', '{"inputs": [', 400, /JSON/],
    ['data length not matching shape → 400', JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2] }] }), 400, /inputs\[0\]/],
    ['no inputs → 400', JSON.stringify({ inputs: [] }), 400, /inputs/],
  ])('HTTP: %s', async (_name, body, status, message) => {
    const res = await fetch(`${stack.gateway.httpUrl}/v2/models/identity/infer`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}` }, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('HTTP: every 4xx/5xx carries {"error": ...}: no key → 401, unknown route → 404, bad path encoding → 400', async () => {
    const cases: Array<[string, RequestInit, number]> = [
      ['/v2/models/identity', {}, 401],
      ['/v3/whatever', {}, 404],
      ['/v2/models/identity/infer', { method: 'PUT', headers: { authorization: `Bearer ${KEY_A}` } }, 404],
      ['/v2/models/%E0%A4%A/ready', { headers: { authorization: `Bearer ${KEY_A}` } }, 400],
      ['/v2/models/nope', { headers: { authorization: `Bearer ${KEY_A}` } }, 404],
    ];
    for (const [route, init, status] of cases) {
      const res = await fetch(`${stack.gateway.httpUrl}${route}`, init);
      expect([route, res.status]).toEqual([route, status]);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(typeof ((await res.json()) as { error?: unknown }).error).toBe('string');
    }
  });

  it('HTTP: a request Node cannot parse gets a JSON 400, not a bare one', async () => {
    const url = new URL(stack.gateway.httpUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => socket.write('GET /v2 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: expect.stringMatching(/malformed HTTP request/) as string });
  });

  it('HTTP: a body over the limit gets 413 with a JSON error, declared or streamed, and the connection serves on', async () => {
    const big = Buffer.alloc(2 * 2 ** 20, 32);
    const declared = await fetch(`${stack.gateway.httpUrl}/v2/models/identity/infer`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}` }, body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toMatch(/request body of 2097152 bytes is over the limit of 1048576 bytes/);
    // Chunked: no length up front; the gateway finds out while reading, reads the rest, then answers.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (chunks: Buffer[]): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const url = new URL(`${stack.gateway.httpUrl}/v2/models/identity/infer`);
        const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { authorization: `Bearer ${KEY_A}`, 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        for (const c of chunks) req.write(c);
        req.end();
      });
    const streamed = await post(Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 32)));
    expect(streamed.status).toBe(413);
    expect((JSON.parse(streamed.body) as { error: string }).error).toMatch(/request body is over the limit of 1048576 bytes/);
    const after = await post([Buffer.from(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }))]);
    expect(after.status).toBe(200);
    agent.destroy();
  });

  it('a spent quota counts as outcome rate_limited, not as a server error', async () => {
    const text = await (await fetch(stack.gateway.metricsUrl)).text();
    expect(text.split('\n').some((l) => l.startsWith('maas_requests_total{') && l.includes('outcome="rate_limited"') && l.includes('model="unresolved"'))).toBe(true);
    expect(text).not.toMatch(/outcome="[A-Z_]+"/);
  });

  it('still serves a valid request after all of that', async () => {
    const res = (await infer({ model_name: 'identity', inputs: [input()], raw_input_contents: [Buffer.from(Float32Array.from([1, 2, 3, 4]).buffer)] })) as { raw_output_contents: Buffer[] };
    expect(res.raw_output_contents[0]!.length).toBe(16);
    expect(stack.gateway.process.exited()).toBe(false);
  });
});
