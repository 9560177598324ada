#!/usr/bin/env node
import { Command } from 'commander';
import { describeError } from './cli-error';
import { inferCommand } from './commands/infer';
import { modelsCommand } from './commands/models';
import { keysCommand, platformCommands } from './commands/platform';

// Wiring only: each command group lives in src/commands/<group>.ts and is added here.
const program = new Command('maas')
  .description('maas — Model-as-a-Service command line')
  .version('0.1.0')
  .showHelpAfterError()
  .addCommand(modelsCommand())
  .addCommand(inferCommand())
  .addCommand(keysCommand());
for (const command of platformCommands()) program.addCommand(command);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${describeError(err)}\n`);
  process.exitCode = 1;
});
