/**
 * `rollback-drill validate FILE...`: checks scenario files without running anything. Problems are
 * printed one per line as `file:line:col: path: message` (the form editors and CI annotate).
 */
import type { Command } from 'commander';
import { ExitCode, ScenarioError, formatScenarioIssue, type ScenarioIssue } from '../core/errors.js';
import { loadScenarioFile, type LoadOptions } from '../scenario/load.js';
import type { CliIo } from './io.js';

export interface ValidateOptions {
  readonly json: boolean;
}

export interface FileValidation {
  readonly file: string;
  readonly ok: boolean;
  readonly issues: readonly ScenarioIssue[];
}

export function registerValidateCommand(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check scenario files: YAML syntax, fields, types, durations, ratios and cross-field rules')
    .argument('<files...>', 'scenario files (YAML)')
    .option('--json', 'print {files: [{file, ok, issues}]} on stdout instead of text', false)
    .addHelpText(
      'after',
      `
Each problem is printed on stderr as FILE:LINE:COLUMN: FIELD: MESSAGE; each valid file as FILE: ok.
Every problem in a file is reported, not only the first.
Exit codes: 0 all files valid, 2 any file invalid or unreadable.

Editors: scenarios/schema.json is the JSON Schema of scenario files; with the YAML language
server, start a scenario with  # yaml-language-server: $schema=./schema.json

Examples:
  $ rollback-drill validate scenarios/demo-bad-release.yaml
  $ rollback-drill validate scenarios/*.yaml --json`,
    )
    .action(async (files: string[], options: ValidateOptions) => {
      io.setExitCode(await validateCommand(files, options, io));
    });
}

/** Validates every file, prints the outcome, and returns the exit code. */
export async function validateCommand(
  files: readonly string[],
  options: ValidateOptions,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  loadOptions: LoadOptions = {},
): Promise<number> {
  const results: FileValidation[] = [];
  for (const file of files) results.push(await validateFile(file, loadOptions));
  if (options.json) io.stdout(`${JSON.stringify({ files: results.map(jsonFileResult) }, null, 2)}\n`);
  else printText(results, io);
  return results.every((result) => result.ok) ? ExitCode.passed : ExitCode.invalidInput;
}

/** One file's outcome; a user's mistake becomes issues, anything else (a bug) is thrown. */
export async function validateFile(file: string, loadOptions: LoadOptions = {}): Promise<FileValidation> {
  try {
    await loadScenarioFile(file, loadOptions);
    return { file, ok: true, issues: [] };
  } catch (error) {
    if (error instanceof ScenarioError) return { file, ok: false, issues: error.issues };
    throw error;
  }
}

/** Positions are always present in JSON (null when a problem has none), so consumers need no guards. */
function jsonFileResult(result: FileValidation): Record<string, unknown> {
  return {
    file: result.file,
    ok: result.ok,
    issues: result.issues.map((issue) => ({
      file: issue.file,
      line: issue.line ?? null,
      column: issue.column ?? null,
      path: issue.path,
      message: issue.message,
    })),
  };
}

function printText(results: readonly FileValidation[], io: Pick<CliIo, 'stdout' | 'stderr'>): void {
  for (const result of results) {
    if (result.ok) io.stdout(`${result.file}: ok\n`);
    for (const issue of result.issues) io.stderr(`${formatScenarioIssue(issue)}\n`);
  }
  const invalid = results.filter((result) => !result.ok);
  if (invalid.length === 0) return;
  const problems = invalid.reduce((count, result) => count + result.issues.length, 0);
  io.stderr(
    `${problems} ${problems === 1 ? 'problem' : 'problems'} in ${invalid.length} of ${results.length} ` +
      `${results.length === 1 ? 'file' : 'files'}\n`,
  );
}
