import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (where pnpm-workspace.yaml is). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * Path of a tool binary under .tools/bin, fetching redis-server and consul (pinned Debian packages) when
 * missing. Without root the fetch script fails with the exact command to run.
 */
export function toolPath(name: 'redis-server' | 'consul'): string {
  const bin = path.join(REPO_ROOT, '.tools/bin', name);
  if (!fs.existsSync(bin)) {
    execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-redis-consul.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return bin;
}
