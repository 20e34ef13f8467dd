/** `rollback-drill run FILE`: one drill, end to end; writes DIR/<runId>/run.json and report.md. */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { SystemClock } from '../core/clock.js';
import { ExitCode, type ExitCodeValue } from '../core/errors.js';
import { renderMarkdownReport } from '../../exporters/reports/markdown.js';
import { createAdapters } from '../runner/adapters.js';
import { DrillAbort } from '../runner/drill-abort.js';
import { runDrill } from '../runner/run-drill.js';
import type { DrillObserver } from '../runner/observer.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { RunRecord } from '../store/run-record.js';
import { DEFAULT_RUNS_DIR, newRunId, saveRun, type SavedRun } from '../store/run-store.js';
import { harnessVersion } from '../version.js';
import type { CliIo } from './io.js';
import { createProgressObserver } from './progress.js';
import { createStyle, type Style } from './style.js';
import { seconds } from '../../exporters/reports/format.js';

export interface RunCommandOptions {
  readonly out: string;
  readonly json: boolean;
  readonly color: boolean;
}

export const RESULT_EXIT_CODE: Record<RunRecord['result'], ExitCodeValue> = {
  passed: ExitCode.passed,
  failed: ExitCode.failed,
  aborted: ExitCode.aborted,
  interrupted: ExitCode.aborted,
};

export function registerRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description(
      'run one rollback drill: baseline, inject the fault, detect, decide, roll back, verify, measure',
    )
    .argument('<file>', 'scenario file (YAML)')
    .option('-o, --out <dir>', 'folder for run records', DEFAULT_RUNS_DIR)
    .option('--json', 'print a JSON summary of the run record on stdout', false)
    .option('--no-color', 'no colours in progress output (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Exit codes: 0 passed, 1 failed (rollback failed or an objective was missed), 2 invalid input,
3 aborted (interrupted, baseline out of SLO, setup failure), 4 internal error.

Examples:
  $ rollback-drill run scenarios/demo-bad-release.yaml
  $ rollback-drill run scenarios/demo-latency-release.yaml --out /var/lib/drills --json`,
    )
    .action(async (file: string, options: RunCommandOptions) => {
      io.setExitCode(await runCommand(file, options, io));
    });
}

export async function runCommand(
  file: string,
  options: RunCommandOptions,
  io: CliIo,
): Promise<ExitCodeValue> {
  const { scenario } = await loadScenarioFile(file);
  const clock = new SystemClock();
  const runId = newRunId(scenario.metadata.name, Date.now());
  const style = createStyle({ isTTY: io.stderrIsTTY, noColorFlag: !options.color });
  const progress = createProgressObserver({ isTTY: io.stderrIsTTY, write: (t) => io.stderr(t) }, style);
  const observers: DrillObserver[] = [progress];

  const interruption = new AbortController();
  let signalsSeen = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalsSeen += 1;
    if (signalsSeen === 1) {
      io.stderr(`\n${signal} received: aborting the drill and cleaning up (send it again to exit at once)\n`);
      interruption.abort(new DrillAbort(`interrupted by ${signal}`));
    } else {
      io.stderr(`${signal} again: exiting without finishing cleanup\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  io.stderr(`${style.bold('rollback-drill')} ${scenario.metadata.name} — run ${runId}\n`);
  let record: RunRecord;
  try {
    record = await runDrill({
      scenario,
      scenarioFile: relative(process.cwd(), file) || file,
      adapters: createAdapters(scenario),
      clock,
      runId,
      harnessVersion: harnessVersion(),
      observers,
      signal: interruption.signal,
      log: (message) => io.stderr(`${style.dim('  …')} ${message}\n`),
    });
  } finally {
    progress.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const saved = await saveRun(options.out, record, renderMarkdownReport(record));
  if (options.json) io.stdout(`${JSON.stringify(jsonSummary(record, saved), null, 2)}\n`);
  else io.stdout(textSummary(record, saved, style));
  return RESULT_EXIT_CODE[record.result];
}

export function jsonSummary(record: RunRecord, saved: SavedRun): Record<string, unknown> {
  return {
    runId: record.runId,
    scenario: record.scenario.name,
    result: record.result,
    reason: record.reason,
    failures: record.failures,
    measurements: record.measurements,
    objectives: record.objectives,
    versionAfterRun: record.target.versionAfterRun,
    exports: record.exports,
    recordPath: saved.recordPath,
    reportPath: saved.reportPath,
  };
}

function textSummary(record: RunRecord, saved: SavedRun, style: Style): string {
  const m = record.measurements;
  const at = (name: keyof RunRecord['measurements']['observations']): string =>
    seconds(m[name], m.observations[name]?.resolutionSeconds);
  const word =
    record.result === 'passed'
      ? style.green('PASSED')
      : record.result === 'failed'
        ? style.red('FAILED')
        : style.yellow(record.result.toUpperCase());
  const lines = [
    '',
    `${word} ${record.scenario.name}: ${record.reason}`,
    `  detect ${at('timeToDetectSeconds')} · decide ${at('timeToDecideSeconds')} · roll back ${at('timeToRollbackSeconds')} · recover ${at('timeToRecoverSeconds')}`,
    `  rollback ${m.rollbackSucceeded ? 'succeeded' : `failed: ${m.rollbackFailureReason ?? ''}`}; serving after the run: ${record.target.versionAfterRun ?? 'unknown'}`,
    ...record.failures.slice(1).map((f) => `  also: ${f}`),
    `  record: ${relative(process.cwd(), saved.recordPath)}`,
    `  report: ${relative(process.cwd(), saved.reportPath)}`,
    '',
  ];
  return lines.join('\n');
}
