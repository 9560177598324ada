import * as path from 'node:path';
import { checkHealth } from '@maas/grpc-kit';
import { waitFor } from './ports';
import { startProcess, type ManagedProcess, type ServiceProcessOptions } from './process';
import { REPO_ROOT } from './tools';

/**
 * Starts a built service as a real node process (run `make build` first) and waits until its gRPC health
 * check says SERVING. On failure the error carries the process's log.
 */
export async function startServiceProcess(options: ServiceProcessOptions, timeoutMs = 20_000): Promise<ManagedProcess> {
  const main = path.join(REPO_ROOT, 'services', options.service, 'dist/main.js');
  const proc = startProcess(process.execPath, [main], {
    name: options.service,
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], MAAS_LOG_LEVEL: 'info', MAAS_BIND_ADDRESS: '127.0.0.1', MAAS_ADVERTISE_ADDRESS: '127.0.0.1', ...options.env, MAAS_GRPC_PORT: String(options.grpcPort) },
  });
  try {
    await waitFor(async () => {
      if (proc.exited()) throw new Error('process exited');
      return (await checkHealth(`127.0.0.1:${options.grpcPort}`, '', 500, options.healthTransport)) === 'SERVING';
    }, timeoutMs, `${options.service} SERVING on ${options.grpcPort}`);
  } catch (err) {
    await proc.kill();
    throw new Error(`${(err as Error).message}\n--- ${options.service} log ---\n${proc.log()}`);
  }
  return proc;
}
