/**
 * `rollback-drill recover [RUN]`: undoes what interrupted drills left (processes, toxics and proxies,
 * the serving version) and writes their records as `interrupted`. Also run at every start of `run`
 * (recoverBeforeRun) so a crash is cleaned up by the next drill at the latest.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitCode, UserError, type ExitCodeValue } from '../core/errors.js';
import { secrets } from '../core/secrets.js';
import { recoverInterruptedRuns, type RunRecovery } from '../runner/intents-recover.js';
import { DEFAULT_RUNS_DIR, runFolderOf } from '../store/run-store.js';
import type { CliIo } from './io.js';

export interface RecoverCommandOptions {
  readonly runs: string;
  readonly force: boolean;
  readonly json: boolean;
}

export function registerRecoverCommand(program: Command, io: CliIo): void {
  program
    .command('recover')
    .description(
      'undo what interrupted drills left behind (processes, toxics, proxies, the serving version) and record them as interrupted',
    )
    .argument('[run]', 'one run id; default: every interrupted run in the runs folder')
    .option('--runs <dir>', 'folder of run records', DEFAULT_RUNS_DIR)
    .option('--force', 'also recover runs whose harness cannot be checked (another host, no /proc)', false)
    .option('--json', 'print {runs: [{runId, outcome, detail, steps}]} on stdout', false)
    .addHelpText(
      'after',
      `
A run is interrupted when its folder has an intent record (intents.json) but no run.json: its
harness died (kill -9, OOM, power loss) before finishing. A run whose harness is still alive is never
touched. \`rollback-drill run\` does this at every start.
Exit codes: 0 nothing left to undo, 1 an undo failed (the run stays pending; see recovery.json),
2 invalid input.

Examples:
  $ rollback-drill recover
  $ rollback-drill recover 20261122T054500Z-demo-bad-release-1a2b --runs /var/lib/drills`,
    )
    .action(async (run: string | undefined, options: RecoverCommandOptions) => {
      io.setExitCode(await recoverCommand(run, options, io));
    });
}

export async function recoverCommand(
  runId: string | undefined,
  options: RecoverCommandOptions,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
): Promise<ExitCodeValue> {
  if (runId !== undefined && !existsSync(runFolderOf(options.runs, runId))) {
    throw new UserError(`no run ${runId} in ${options.runs}`);
  }
  const results = await recoverInterruptedRuns({
    runsDir: options.runs,
    ...(runId ? { runId } : {}),
    force: options.force,
    recoveredBy: 'rollback-drill recover',
    log: (line) => io.stderr(`${secrets.redact(line)}\n`),
  });
  if (options.json) io.stdout(`${secrets.redact(JSON.stringify({ runs: results }, null, 2))}\n`);
  else {
    if (results.length === 0) io.stdout(`no interrupted runs in ${options.runs}\n`);
    for (const result of results) io.stdout(`${secrets.redact(summaryLine(result))}\n`);
  }
  return results.some((r) => r.outcome === 'failed' || r.outcome === 'unreadable')
    ? ExitCode.failed
    : ExitCode.passed;
}

/**
 * For `run` (and any other command that starts drills): recovers the runs folder first and says what
 * it did on stderr. It never stops the new drill from starting: what could not be undone is reported
 * and stays pending for the next recover.
 */
export async function recoverBeforeRun(runsDir: string, io: Pick<CliIo, 'stderr'>): Promise<RunRecovery[]> {
  let results: RunRecovery[];
  try {
    results = await recoverInterruptedRuns({ runsDir, recoveredBy: 'rollback-drill run (at start)' });
  } catch (error) {
    io.stderr(`warning: could not check ${runsDir} for interrupted runs: ${(error as Error).message}\n`);
    return [];
  }
  for (const result of results) {
    if (result.outcome === 'running' || result.outcome === 'skipped') continue;
    const prefix = result.outcome === 'recovered' ? '' : 'warning: ';
    io.stderr(`${prefix}${secrets.redact(summaryLine(result))}\n`);
    for (const step of result.steps.filter((s) => !s.ok))
      io.stderr(`  ✗ ${secrets.redact(`${step.name}: ${step.error ?? ''}`)}\n`);
  }
  return results;
}

function summaryLine(result: RunRecovery): string {
  switch (result.outcome) {
    case 'recovered':
      return `recovered interrupted run ${result.runId}: ${result.detail}${result.recordPath ? `; record: ${result.recordPath}` : ''}`;
    case 'failed':
      return `could not fully recover run ${result.runId}: ${result.detail}`;
    case 'unreadable':
      return `cannot recover run ${result.runId}: ${result.detail}`;
    case 'running':
      return `run ${result.runId} is ${result.detail}: left alone`;
    case 'skipped':
      return `run ${result.runId} skipped: ${result.detail}`;
  }
}
