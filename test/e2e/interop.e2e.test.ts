/**
 * Clients nobody here wrote: NVIDIA's Python tritonclient (gRPC and HTTP) and perf_analyzer against the
 * gateway. Both are installed by scripts/tools/ensure-python-tools.sh (pinned) into .tools/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { REPO_ROOT, startStack, waitFor, type Stack } from '@maas/testing';
import { prepareFixtures, type Fixtures } from '../support/fixtures';
import { registryClient, uploadModel } from '../support/registry';

jest.setTimeout(300_000);

describe('interop with external KServe v2 clients', () => {
  let stack: Stack;
  let fx: Fixtures;
  const python = path.join(REPO_ROOT, '.tools/py/bin/python');
  const perfAnalyzer = path.join(REPO_ROOT, '.tools/bin/perf_analyzer');

  beforeAll(async () => {
    execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-python-tools.sh'), { stdio: 'inherit' });
    stack = await startStack({ workers: 1 });
    fx = await prepareFixtures(stack.dir);
    const registry = registryClient(stack.registry.address);
    const batching = { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 1000, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'identity', file: fx.identity, config: { batching } });
    await uploadModel(registry, { model: 'mlp', file: fx.mlp, config: { batching } });
    registry.close();
    // Ready means a worker holds the model: it picks the uploads up from the change feed and loads them.
    for (const model of ['identity', 'mlp']) await waitFor(async () => (await fetch(`${stack.gateway.httpUrl}/v2/models/${model}/ready`)).ok, 15_000, `${model} ready`);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('tritonclient (grpc and http): health, metadata, config, infer equal to onnxruntime, errors', async () => {
    const session = await ort.InferenceSession.create(fx.mlp);
    const x = [[0.1, 0.2, 0.3, 0.4], [-1, 2, -3, 4]];
    const out = await session.run({ [fx.mlpInput]: new ort.Tensor('float32', Float32Array.from(x.flat()), [2, 4]) });
    const y = Array.from(out[fx.mlpOutput]!.data as Float32Array);
    await session.release();
    const expected = path.join(stack.dir, 'expected.json');
    fs.writeFileSync(expected, JSON.stringify({ identity_input: fx.identityInput, mlp_input: fx.mlpInput, mlp_output: fx.mlpOutput, mlp_x: x, mlp_y: [y.slice(0, 3), y.slice(3, 6)] }));
    const httpAddr = stack.gateway.httpUrl.replace('http://', '');
    const run = spawnSync(python, [path.join(REPO_ROOT, 'test/interop/tritonclient_check.py'), stack.gateway.grpcAddress, httpAddr, expected], { encoding: 'utf8', timeout: 120_000 });
    const lastLine = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0) throw new Error(`tritonclient check failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(lastLine) as Record<string, boolean>;
    // 8 checks per protocol (live, ready, model ready, metadata, config, mlp, identity, unknown model).
    expect(Object.keys(report).length).toBe(16);
    expect(Object.values(report).every(Boolean)).toBe(true);
  });

  it('perf_analyzer runs a short load against the gateway with no errors', () => {
    const run = spawnSync(perfAnalyzer, [
      '-m', 'identity', '-u', stack.gateway.grpcAddress, '-i', 'grpc', '-b', '1', '--shape', `${fx.identityInput}:4`,
      // Count windows and a loose stability bound: this is an interop check on a shared, noisy machine, not a benchmark.
      '--concurrency-range', '2', '--measurement-mode', 'count_windows', '--measurement-request-count', '200', '--stability-percentage', '500', '--max-trials', '5',
    ], { encoding: 'utf8', timeout: 120_000 });
    const output = `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0) throw new Error(`perf_analyzer failed (exit ${run.status}):\n${output}`);
    const throughput = /Throughput: ([\d.]+) infer\/sec/.exec(output);
    expect(throughput).not.toBeNull();
    expect(Number(throughput![1])).toBeGreaterThan(0);
  });
});
