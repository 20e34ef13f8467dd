/**
 * The rollback-drill command line. User mistakes print a clear message and a documented exit code,
 * never a stack trace; anything else is a bug and says so.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode, UserError } from '../core/errors.js';
import { harnessVersion } from '../version.js';
import { processIo, type CliIo } from './io.js';
import { registerRunCommand } from './run.js';
import { registerMarkCommand } from './mark.js';
import { registerValidateCommand } from './validate.js';
import { registerToxiproxyCommand } from './toxiproxy.js';
import { registerDoraCommand } from './dora.js';
import { registerServeCommand } from './serve.js';
import { registerHistoryCommand } from './history.js';
import { registerK6Command } from './k6.js';
import { registerGamedayCommand } from './gameday.js';
import { registerAbortCommand } from './abort.js';
import { registerRecoverCommand } from './recover.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command()
    .name('rollback-drill')
    .description(
      'Rollback game days: inject a bad release or a network fault, then measure time to detect, decide, roll back and recover.',
    )
    .version(harnessVersion())
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) })
    .exitOverride();
  registerRunCommand(program, io);
  registerMarkCommand(program, io);
  registerValidateCommand(program, io);
  registerToxiproxyCommand(program, io);
  registerDoraCommand(program, io);
  registerServeCommand(program, io);
  registerHistoryCommand(program, io);
  registerK6Command(program, io);
  registerGamedayCommand(program, io);
  registerRecoverCommand(program, io);
  registerAbortCommand(program, io);
  program.addHelpText(
    'after',
    `
Exit codes: 0 passed, 1 failed, 2 invalid input, 3 aborted, 4 internal error.
Docs: README.md and docs/ in the rollback-drill package.`,
  );
  return program;
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = ExitCode.passed;
  const trackingIo: CliIo = { ...io, setExitCode: (code) => void (exitCode = code) };
  const program = buildProgram(trackingIo);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage mistakes are invalid input.
      return error.exitCode === 0 ? ExitCode.passed : ExitCode.invalidInput;
    }
    if (error instanceof UserError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(
      `internal error (a bug in rollback-drill; please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.internalError;
  }
}
