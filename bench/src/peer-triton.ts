import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, REPO_ROOT, startProcess } from '@maas/testing';
import type { BenchModel } from './models';
import { keyValues, runEnsureScript, servedName, type PeerOptions, type PeerServer } from './peers';
import type { BatchingKind } from './results';

/** Where ensure-triton.sh installed Triton (see that script). */
export interface TritonInstall {
  venv: string;
  tritonserver: string;
  backends: string;
  libpythonDir: string;
}

/** Installs (pinned, cached) Triton from nvidia-pytriton into .tools/triton. */
export function ensureTriton(): TritonInstall {
  const kv = keyValues(runEnsureScript('ensure-triton.sh'), ['venv', 'tritonserver', 'backends', 'libpython_dir']);
  return { venv: kv['venv']!, tritonserver: kv['tritonserver']!, backends: kv['backends']!, libpythonDir: kv['libpython_dir']! };
}

function dims(shape: readonly number[]): string {
  return `[ ${shape.join(', ')} ]`;
}

/**
 * config.pbtxt of one variant: the python backend running bench/peer/triton/model.py, max_batch_size the
 * bench's (requests carry the batch dim), dynamic batching with the bench's delay for `batched` only, one
 * CPU instance, and the venv as EXECUTION_ENV_PATH so the stub's Python finds onnxruntime and numpy.
 */
export function tritonModelConfig(model: BenchModel, variant: BatchingKind, options: PeerOptions, venv: string): string {
  const param = (key: string, value: string | number): string => `parameters: { key: ${JSON.stringify(key)} value: { string_value: ${JSON.stringify(String(value))} } }`;
  return [
    `name: ${JSON.stringify(servedName(model, variant))}`,
    'backend: "python"',
    `max_batch_size: ${options.maxBatchSize}`,
    ...model.inputs.map((i) => `input [ { name: ${JSON.stringify(i.name)} data_type: TYPE_FP32 dims: ${dims(i.itemShape)} } ]`),
    ...model.outputs.map((o) => `output [ { name: ${JSON.stringify(o.name)} data_type: TYPE_FP32 dims: ${dims(o.itemShape)} } ]`),
    'instance_group [ { count: 1 kind: KIND_CPU } ]',
    ...(variant === 'batched' ? [`dynamic_batching { max_queue_delay_microseconds: ${options.maxQueueDelayUs} }`] : []),
    param('model_file', model.file),
    param('intra_op_threads', options.intraOpThreads),
    param('inter_op_threads', options.interOpThreads),
    param('EXECUTION_ENV_PATH', venv),
    '',
  ].join('\n');
}

/**
 * Starts tritonserver serving `<model>-batched` and `<model>-unbatched` for each model (a temp model repository,
 * bench/peer/triton/model.py in each) on free loopback ports. Resolves when the process is up; callers wait
 * for each model with a real request.
 */
export async function startTriton(models: readonly BenchModel[], options: PeerOptions): Promise<PeerServer> {
  const install = ensureTriton();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-triton-'));
  for (const model of models) {
    for (const variant of ['batched', 'unbatched'] as const) {
      const folder = path.join(dir, servedName(model, variant));
      fs.mkdirSync(path.join(folder, '1'), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, 'bench/peer/triton/model.py'), path.join(folder, '1', 'model.py'));
      fs.writeFileSync(path.join(folder, 'config.pbtxt'), tritonModelConfig(model, variant, options, install.venv));
    }
  }
  const [grpcPort, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? dir, LD_LIBRARY_PATH: install.libpythonDir, OMP_NUM_THREADS: String(options.intraOpThreads) };
  const serverVersion = execFileSync(path.join(install.venv, 'bin/python'), ['-c', 'import importlib.metadata as m, onnxruntime; print(f"nvidia-pytriton {m.version(\'nvidia-pytriton\')}, onnxruntime {onnxruntime.__version__}")'], { encoding: 'utf8' }).trim();
  const proc = startProcess(
    install.tritonserver,
    [
      `--model-repository=${dir}`,
      `--backend-directory=${install.backends}`,
      '--disable-auto-complete-config',
      `--grpc-address=127.0.0.1`,
      `--grpc-port=${grpcPort}`,
      `--http-address=127.0.0.1`,
      `--http-port=${httpPort}`,
      `--metrics-address=127.0.0.1`,
      `--metrics-port=${metricsPort}`,
      '--allow-gpu-metrics=false',
      '--log-verbose=0',
    ],
    { name: 'tritonserver', cwd: dir, env },
  );
  const pid = proc.child.pid ?? -1;
  return {
    peer: 'triton',
    grpcAddress: `127.0.0.1:${grpcPort}`,
    version: `Triton 2.51.0 (${serverVersion}), python backend running bench/peer/triton/model.py, one instance per model; batched variant: dynamic_batching max_batch_size ${options.maxBatchSize}, max_queue_delay_microseconds ${options.maxQueueDelayUs}`,
    variants: ['unbatched', 'batched'],
    process: proc,
    cpuWatch: [
      { name: 'tritonserver', pid, scope: 'self' },
      { name: 'stubs', pid, scope: 'children' },
    ],
    async stop() {
      await proc.stop(15_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
