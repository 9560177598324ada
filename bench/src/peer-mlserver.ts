import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, REPO_ROOT, startProcess } from '@maas/testing';
import type { BenchModel } from './models';
import { runEnsureScript, type PeerOptions, type PeerServer } from './peers';

/** Installs (pinned, cached) MLServer into .tools/mlserver and returns its bin folder. */
export function ensureMlServer(): string {
  return runEnsureScript('ensure-mlserver.sh');
}

/** model-settings.json for one served variant (written next to the runtime in a temp model repository). */
export function modelSettings(model: BenchModel, variant: 'batched' | 'unbatched', options: PeerOptions): object {
  const batching = variant === 'batched' ? { max_batch_size: options.maxBatchSize, max_batch_time: options.maxQueueDelayUs / 1e6 } : {};
  return {
    name: `${model.name}-${variant}`,
    implementation: 'onnx_runtime.OnnxRuntime',
    parameters: { uri: model.file, extra: { intra_op_threads: options.intraOpThreads, inter_op_threads: options.interOpThreads } },
    ...batching,
  };
}

/**
 * Starts MLServer (bench/peer/onnx_runtime.py) serving `<model>-batched` (adaptive batching with the same max
 * batch and delay as maas) and `<model>-unbatched` for each model, on free loopback ports. Resolves when the
 * process is up; callers wait for each model with a real request.
 */
export async function startMlServer(models: readonly BenchModel[], options: PeerOptions): Promise<PeerServer> {
  const bin = ensureMlServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-mlserver-'));
  fs.copyFileSync(path.join(REPO_ROOT, 'bench/peer/onnx_runtime.py'), path.join(dir, 'onnx_runtime.py'));
  const [grpcPort, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const settings = {
    debug: false,
    host: '127.0.0.1',
    http_port: httpPort,
    grpc_port: grpcPort,
    metrics_port: metricsPort,
    parallel_workers: options.parallelWorkers,
    grpc_max_message_length: 64 * 1024 * 1024,
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
  for (const model of models) {
    for (const variant of ['batched', 'unbatched'] as const) {
      const folder = path.join(dir, `${model.name}-${variant}`);
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'model-settings.json'), JSON.stringify(modelSettings(model, variant, options), null, 2));
    }
  }
  const version = execFileSync(path.join(bin, 'python'), ['-c', 'import mlserver, onnxruntime; print(f"MLServer {mlserver.__version__}, onnxruntime {onnxruntime.__version__}")'], { encoding: 'utf8' }).trim();
  const proc = startProcess(path.join(bin, 'mlserver'), ['start', dir], {
    name: 'mlserver',
    cwd: dir,
    env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? dir, PYTHONPATH: dir, OMP_NUM_THREADS: String(options.intraOpThreads) },
  });
  const pid = proc.child.pid ?? -1;
  return {
    peer: 'mlserver',
    grpcAddress: `127.0.0.1:${grpcPort}`,
    version: `${version}, bench/peer/onnx_runtime.py, parallel_workers ${options.parallelWorkers}; batched variant: adaptive batching max_batch_size ${options.maxBatchSize}, max_batch_time ${options.maxQueueDelayUs / 1e6} s`,
    variants: ['unbatched', 'batched'],
    process: proc,
    cpuWatch: [
      { name: 'mlserver', pid, scope: 'self' },
      { name: 'workers', pid, scope: 'children' },
    ],
    async stop() {
      await proc.stop(10_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
