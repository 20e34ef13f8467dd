/**
 * The CLI with the safety commands (`recover`, `abort`) registered even before main.ts lists them:
 * e2e tests run `recover` and `abort` through this, as real processes, from the sources.
 */
import { CommanderError } from 'commander';
import { registerAbortCommand } from '../../../harness/cli/abort.js';
import { processIo } from '../../../harness/cli/io.js';
import { buildProgram } from '../../../harness/cli/main.js';
import { registerRecoverCommand } from '../../../harness/cli/recover.js';
import { ExitCode, UserError } from '../../../harness/core/errors.js';

const program = buildProgram(processIo);
const names = new Set(program.commands.map((command) => command.name()));
if (!names.has('recover')) registerRecoverCommand(program, processIo);
if (!names.has('abort')) registerAbortCommand(program, processIo);
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : ExitCode.invalidInput;
  else if (error instanceof UserError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else throw error;
}
