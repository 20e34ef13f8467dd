/**
 * `rollback-drill mark RUN detected|decided`: a person tells a running drill they noticed the
 * problem (manual detector) or decided to roll back (manual or observe decision). It writes the
 * mark file the drill polls (harness/runner/marks.ts), the same file the serve API writes.
 */
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { ExitCode, UserError, type ExitCodeValue } from '../core/errors.js';
import { MARK_KINDS, markPath, writeMark, type MarkKind } from '../runner/marks.js';
import { DEFAULT_RUNS_DIR } from '../store/run-store.js';
import type { CliIo } from './io.js';

export interface MarkCommandOptions {
  readonly by?: string;
  readonly note?: string;
  readonly runs: string;
  readonly json: boolean;
}

/** Run ids are one folder name: no separators, no `..`, nothing a shell or path would reinterpret. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function registerMarkCommand(program: Command, io: CliIo): void {
  program
    .command('mark')
    .description('mark a running drill: you detected the problem, or decided to roll back')
    .argument('<run>', 'the run id, as printed when the drill started')
    .addArgument(new Argument('<kind>', 'what happened').choices(MARK_KINDS))
    .option('--by <name>', 'who marks (default: your user name)')
    .option('--note <text>', 'a note for the run record')
    .option('--runs <dir>', 'the folder of run records the drill writes to', DEFAULT_RUNS_DIR)
    .option('--json', 'print the mark written as JSON', false)
    .addHelpText(
      'after',
      `
A drill with detection type manual waits for "detected"; one with decision type manual (or observe
with waitForMark) waits for "decided". The drill reads the mark within its poll interval (200 ms by
default) and counts it at the mark's time. Marking again replaces the mark.
Exit codes: 0 marked, 2 unknown or finished run, or invalid input.

Examples:
  $ rollback-drill mark 20261122T054500Z-demo-manual-1a2b detected --note "checkout 500s on the dashboard"
  $ rollback-drill mark 20261122T054500Z-demo-manual-1a2b decided --by alice --runs /var/lib/drills`,
    )
    .action(async (run: string, kind: MarkKind, options: MarkCommandOptions) => {
      io.setExitCode(await markCommand(run, kind, options, io));
    });
}

export async function markCommand(
  runId: string,
  kind: MarkKind,
  options: MarkCommandOptions,
  io: Pick<CliIo, 'stdout'>,
): Promise<ExitCodeValue> {
  const folder = await runningRunFolder(runId, options.runs);
  const mark = await writeMark(folder, {
    kind,
    by: options.by ?? defaultMarker(),
    ...(options.note === undefined ? {} : { note: options.note }),
  });
  if (options.json) {
    io.stdout(`${JSON.stringify({ runId, path: markPath(folder, kind), mark }, null, 2)}\n`);
  } else {
    io.stdout(
      `run ${runId}: marked ${kind} by ${mark.by} at ${mark.at}${mark.note ? ` (${mark.note})` : ''}\n`,
    );
  }
  return ExitCode.passed;
}

/** The folder of a run that is still going; a clear UserError (exit 2) otherwise. */
async function runningRunFolder(runId: string, runsDir: string): Promise<string> {
  if (!RUN_ID.test(runId) || runId.includes('..'))
    throw new UserError(`"${runId}" is not a run id (expected e.g. 20261122T054500Z-demo-bad-release-1a2b)`);
  const folder = resolve(runsDir, runId);
  const isFolder = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder)
    throw new UserError(`no run ${runId} in ${resolve(runsDir)} (use --runs DIR for another folder)`);
  const finished = await stat(join(folder, 'run.json')).then(
    () => true,
    () => false,
  );
  if (finished) throw new UserError(`run ${runId} has already finished: a mark now would not be read`);
  return folder;
}

function defaultMarker(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
