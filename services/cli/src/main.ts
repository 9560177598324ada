#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { describeError } from './cli-error';
import { inferCommand, metadataCommand } from './commands/infer';
import { modelsCommand } from './commands/models';
import { keysCommand, platformCommands } from './commands/platform';

/** The version in the CLI's package.json (the one a `make dist` tarball carries). */
function cliVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
}

// Wiring only: each command group lives in src/commands/<group>.ts and is added here.
const program = new Command('maas')
  .description('maas — Model-as-a-Service command line')
  .version(cliVersion())
  .showHelpAfterError()
  .addCommand(modelsCommand())
  .addCommand(inferCommand())
  .addCommand(metadataCommand())
  .addCommand(keysCommand());
for (const command of platformCommands()) program.addCommand(command);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${describeError(err)}\n`);
  process.exitCode = 1;
});
