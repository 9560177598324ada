import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, REPO_ROOT, startProcess } from '@maas/testing';
import type { BenchModel } from './models';
import { runEnsureScript, servedName, type PeerOptions, type PeerServer } from './peers';

/** Installs (pinned, cached) KServe into .tools/kserve and returns its bin folder. */
export function ensureKserve(): string {
  return runEnsureScript('ensure-kserve.sh');
}

/**
 * Starts KServe's model server (bench/peer/kserve/server.py) serving `<model>-unbatched` for each model on free
 * loopback ports: its model server has no dynamic batching, so there is no batched variant. Resolves when the
 * process is up; callers wait for each model with a real request.
 */
export async function startKserve(models: readonly BenchModel[], options: PeerOptions): Promise<PeerServer> {
  const bin = ensureKserve();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-kserve-'));
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const version = execFileSync(path.join(bin, 'python'), ['-c', 'import importlib.metadata as m, onnxruntime; print(f"KServe {m.version(\'kserve\')}, onnxruntime {onnxruntime.__version__}")'], { encoding: 'utf8' }).trim();
  const proc = startProcess(
    path.join(bin, 'python'),
    [
      path.join(REPO_ROOT, 'bench/peer/kserve/server.py'),
      ...models.flatMap((m) => ['--model', `${servedName(m, 'unbatched')}=${m.file}`]),
      `--intra_op_threads=${options.intraOpThreads}`,
      `--inter_op_threads=${options.interOpThreads}`,
      `--grpc_port=${grpcPort}`,
      `--http_port=${httpPort}`,
    ],
    { name: 'kserve', cwd: dir, env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? dir, OMP_NUM_THREADS: String(options.intraOpThreads) } },
  );
  return {
    peer: 'kserve',
    grpcAddress: `127.0.0.1:${grpcPort}`,
    version: `${version}, bench/peer/kserve/server.py (kserve.Model, one uvicorn worker, per-request latency log off); no batched variant (the model server has no dynamic batching)`,
    variants: ['unbatched'],
    process: proc,
    cpuWatch: [{ name: 'kserve', pid: proc.child.pid ?? -1 }],
    async stop() {
      await proc.stop(15_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
