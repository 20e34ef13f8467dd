import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../harness/cli/io.js';
import { registerValidateCommand, validateCommand } from '../../../harness/cli/validate.js';
import { BROKEN, FIXTURES } from './helpers.js';

interface Captured {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

/** Runs `rollback-drill <args>` through commander, as main.ts wires it, with captured output. */
async function runCli(args: string[]): Promise<Captured> {
  const captured: Captured = { stdout: '', stderr: '', exitCode: undefined };
  const io: CliIo = {
    stdout: (text) => void (captured.stdout += text),
    stderr: (text) => void (captured.stderr += text),
    setExitCode: (code) => void (captured.exitCode = code),
    stderrIsTTY: false,
  };
  const program = new Command()
    .name('rollback-drill')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerValidateCommand(program, io);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    captured.exitCode = error.exitCode;
  }
  return captured;
}

const STACK_FRAME = /^\s+at /m;
const VALID_MINIMAL = `${FIXTURES}valid-minimal.yaml`;
const VALID_FULL = `${FIXTURES}valid-full.yaml`;

describe('rollback-drill validate', () => {
  it('all files valid: FILE: ok for each on stdout, nothing on stderr, exit 0', async () => {
    const result = await runCli(['validate', VALID_MINIMAL, VALID_FULL]);
    expect(result).toEqual({
      stdout: `${VALID_MINIMAL}: ok\n${VALID_FULL}: ok\n`,
      stderr: '',
      exitCode: 0,
    });
  });

  it('any file invalid: each problem as file:line:col: path: message on stderr, exit 2, no stack', async () => {
    const broken = `${BROKEN}many-problems.yaml`;
    const result = await runCli(['validate', VALID_MINIMAL, broken, `${BROKEN}no-such-file.yaml`]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe(`${VALID_MINIMAL}: ok\n`);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toContain(`${broken}:10:9: traffic.rate: expected a number, got string "fast"`);
    expect(lines.filter((line) => line.startsWith(`${broken}:`))).toHaveLength(8);
    expect(lines).toContain(`${BROKEN}no-such-file.yaml: no such file`);
    expect(lines.at(-1)).toBe('9 problems in 2 of 3 files');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('--json: {files: [{file, ok, issues}]} on stdout with the same exit code', async () => {
    const broken = `${BROKEN}wrong-type.yaml`;
    const empty = `${BROKEN}empty.yaml`;
    const result = await runCli(['validate', '--json', VALID_MINIMAL, broken, empty]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      files: [
        { file: VALID_MINIMAL, ok: true, issues: [] },
        {
          file: broken,
          ok: false,
          issues: [
            {
              file: broken,
              line: 10,
              column: 9,
              path: 'traffic.rate',
              message: 'expected a number, got string "fast"',
            },
          ],
        },
        {
          file: empty,
          ok: false,
          issues: [
            {
              file: empty,
              line: null,
              column: null,
              path: '',
              message: 'the file is empty: expected a scenario with apiVersion: rollback-drill/v1',
            },
          ],
        },
      ],
    });
  });

  it('--help describes the command with an example', async () => {
    const result = await runCli(['validate', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: rollback-drill validate [options] <files...>');
    expect(result.stdout).toContain('$ rollback-drill validate scenarios/demo-bad-release.yaml');
    expect(result.stdout).toContain('FILE:LINE:COLUMN: FIELD: MESSAGE');
    expect(result.stdout).toContain('--json');
  });

  it('no file given: a usage error, not a crash', async () => {
    const result = await runCli(['validate']);
    expect(result.exitCode).toBe(1); // commander's usage error; main.ts maps it to 2
    expect(result.stderr).toContain("missing required argument 'files'");
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('a failure that is not the user’s (a bug) is not disguised as a validation problem', async () => {
    const bug = new TypeError('a bug in a reader');
    const io = { stdout: () => undefined, stderr: () => undefined };
    await expect(
      validateCommand([VALID_MINIMAL], { json: false }, io, { readFile: () => Promise.reject(bug) }),
    ).rejects.toBe(bug);
  });
});
