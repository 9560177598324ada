import type { ClientTransport } from '@maas/grpc-kit';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A child process started by a test, with its combined output kept in a log file. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Output so far (for assertions and for failure messages). */
  log(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code (or signal name). */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL now. */
  kill(): Promise<void>;
  exited(): boolean;
}

/** Spawns a command with its stdout/stderr in a temp log file; never inherits the test's stdio. */
export function startProcess(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; name?: string } = {}): ManagedProcess {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `maas-${options.name ?? path.basename(command)}-`));
  const logFile = path.join(logDir, 'output.log');
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  // Tracked for test/jest-environment.js, which kills children a suite left running at its teardown.
  const tracked = (globalThis as { __maasChildren?: Set<ChildProcess> }).__maasChildren;
  tracked?.add(child);
  let exitValue: number | string | undefined;
  const exit = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitValue = code ?? signal ?? 'unknown';
      tracked?.delete(child);
      resolve(exitValue);
    });
  });
  return {
    child,
    logFile,
    log: () => fs.readFileSync(logFile, 'utf8'),
    exited: () => exitValue !== undefined,
    async stop(graceMs = 10_000) {
      if (exitValue !== undefined) return exitValue;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
    async kill() {
      if (exitValue !== undefined) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
}

/** Options for running a built service (services/<name>/dist/main.js) as a real process. */
export interface ServiceProcessOptions {
  /** Folder under services/: registry, worker, gateway, preprocess, scaler. */
  service: string;
  env: Record<string, string>;
  grpcPort: number;
  /** How the health check reaches the server (TLS with a client pair when the service serves mutual TLS). */
  healthTransport?: ClientTransport;
}
