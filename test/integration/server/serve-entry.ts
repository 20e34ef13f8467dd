/**
 * Runs the CLI with the `serve` command from source (tsx), for tests that need a real serve process.
 * main.ts registers `serve` once the lead wires it; until then this entry adds it, so the tests
 * exercise the same registerServeCommand either way.
 */
import { ExitCode, UserError } from '../../../harness/core/errors.js';
import { buildProgram } from '../../../harness/cli/main.js';
import { processIo } from '../../../harness/cli/io.js';
import { registerServeCommand } from '../../../harness/cli/serve.js';

const program = buildProgram(processIo);
if (!program.commands.some((command) => command.name() === 'serve')) registerServeCommand(program, processIo);
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  if (!(error instanceof UserError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = error.exitCode;
}
process.exitCode ??= ExitCode.passed;
// Like bin.ts: exit once output is flushed even if a library left a handle open.
setTimeout(() => process.exit(), 3_000).unref();
