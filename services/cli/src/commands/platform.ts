import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { CliError } from '../cli-error';

/** The repository root (the CLI runs from services/cli/dist). */
const REPO_ROOT = path.resolve(__dirname, '../../../..');

function make(target: string, env: Record<string, string> = {}): void {
  if (!fs.existsSync(path.join(REPO_ROOT, 'Makefile'))) {
    throw new CliError(`maas ${target} runs the platform from a maas checkout (make ${target} there); this maas is installed without one`);
  }
  const res = spawnSync('make', ['-C', REPO_ROOT, target], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.status !== 0) throw new CliError(`make ${target} failed (exit ${res.status ?? res.signal})`);
}

/** `maas up`, `maas down`, `maas bench`: the local platform, as the Makefile runs it. */
export function platformCommands(): Command[] {
  return [
    new Command('up')
      .description('start Redis, Consul and every service locally (same as make up)')
      .option('-w, --workers <n>', 'number of worker processes', '1')
      .action((o: { workers: string }) => make('up', { WORKERS: o.workers })),
    new Command('down').description('stop what `maas up` started (same as make down)').action(() => make('down')),
    new Command('bench').description('run the benchmarks and write bench/results (same as make bench)').action(() => make('bench')),
  ];
}

/** `maas keys hash KEY`: the sha256 to put in the gateway's keys file (keys are never stored in clear). */
export function keysCommand(): Command {
  return new Command('keys')
    .description('API key helpers')
    .addCommand(
      new Command('hash')
        .description('print the sha256 of an API key for MAAS_AUTH_KEYS_FILE')
        .argument('<key>', 'the API key')
        .action((key: string) => {
          process.stdout.write(`${createHash('sha256').update(key, 'utf8').digest('hex')}\n`);
        }),
    );
}
