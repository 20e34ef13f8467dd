/**
 * Runs `rollback-drill gameday …` from the sources as its own process, the way bin.js runs main():
 * the command registered on a program, user errors printed with their exit code. (Once main.ts
 * registers the command, `node dist/harness/cli/bin.js gameday …` is the same thing, built.)
 */
import { Command, CommanderError } from 'commander';
import { registerGamedayCommand } from '../../../harness/cli/gameday.js';
import { processIo } from '../../../harness/cli/io.js';
import { ExitCode, UserError } from '../../../harness/core/errors.js';

let code: number = ExitCode.passed;
const program = new Command().name('rollback-drill').exitOverride();
registerGamedayCommand(program, { ...processIo, setExitCode: (c) => void (code = c) });
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : ExitCode.invalidInput;
  else if (error instanceof UserError) {
    process.stderr.write(`error: ${error.message}\n`);
    code = error.exitCode;
  } else {
    process.stderr.write(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    code = ExitCode.internalError;
  }
}
process.exitCode = code;
setTimeout(() => process.exit(code), 3_000).unref();
