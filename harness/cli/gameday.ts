/**
 * `rollback-drill gameday FILE`: runs the drills a game-day file lists — in order, parallel groups
 * side by side — each exactly as `run` would, and writes one combined report beside their records.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, type ExitCodeValue } from '../core/errors.js';
import { secrets } from '../core/secrets.js';
import { loadGamedayFile } from '../gameday/load.js';
import { saveGamedayReport } from '../gameday/report.js';
import { runGameday, type GamedayOutcome } from '../gameday/run-gameday.js';
import { DrillAbort } from '../runner/drill-abort.js';
import { DEFAULT_RUNS_DIR } from '../store/run-store.js';
import type { CliIo } from './io.js';

export interface GamedayCommandOptions {
  readonly out: string;
  readonly json: boolean;
}

const EXIT_CODE: Record<GamedayOutcome['result'], ExitCodeValue> = {
  passed: ExitCode.passed,
  failed: ExitCode.failed,
  aborted: ExitCode.aborted,
};

export function registerGamedayCommand(program: Command, io: CliIo): void {
  program
    .command('gameday')
    .description(
      'run the drills a game-day file lists (in order, or in parallel groups) and write one combined report',
    )
    .argument('<file>', 'game-day file (YAML, apiVersion: rollback-drill/gameday/v1)')
    .option('-o, --out <dir>', 'folder for run records and the game-day report', DEFAULT_RUNS_DIR)
    .option('--json', 'print a JSON summary (drills, results, report paths) on stdout', false)
    .addHelpText(
      'after',
      `
Every drill runs as \`rollback-drill run\` would and writes DIR/<runId>/run.json and report.md; the
game day adds DIR/<gamedayId>/gameday.md, gameday.html and gameday.json. Drills in a parallel group
must have different targets (checked before anything runs, with the other problems of the file).
Exit codes: 0 every drill passed, 1 a drill failed, 2 invalid input, 3 a drill aborted or did not run.

Examples:
  $ rollback-drill gameday scenarios/gameday-demo.yaml
  $ rollback-drill gameday q3-gameday.yaml --out /var/lib/drills --json`,
    )
    .action(async (file: string, options: GamedayCommandOptions) => {
      io.setExitCode(await gamedayCommand(file, options, io));
    });
}

export async function gamedayCommand(
  file: string,
  options: GamedayCommandOptions,
  io: CliIo,
): Promise<ExitCodeValue> {
  const plan = await loadGamedayFile(file);
  const count = plan.steps.flat().length;
  io.stderr(`rollback-drill game day ${plan.name}: ${count} drills in ${plan.steps.length} steps\n`);
  const interruption = new AbortController();
  let signalsSeen = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalsSeen += 1;
    if (signalsSeen === 1) {
      io.stderr(
        `\n${signal} received: aborting the running drills and cleaning up (send it again to exit at once)\n`,
      );
      interruption.abort(new DrillAbort(`interrupted by ${signal}`));
    } else {
      io.stderr(`${signal} again: exiting without finishing cleanup\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: GamedayOutcome;
  try {
    outcome = await runGameday(plan, {
      out: options.out,
      signal: interruption.signal,
      log: (line) => io.stderr(`  … ${secrets.redact(line)}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const saved = await saveGamedayReport(options.out, plan, outcome);
  const show = (path: string): string => relative(process.cwd(), path) || path;
  if (options.json) {
    io.stdout(
      `${JSON.stringify(
        {
          gameday: plan.name,
          result: outcome.result,
          reportPath: saved.markdownPath,
          htmlPath: saved.htmlPath,
          indexPath: saved.indexPath,
          drills: outcome.drills.map((d) => ({
            scenario: d.scenarioName,
            step: d.step,
            status: d.status,
            result: d.record?.result ?? null,
            recordPath: d.saved?.recordPath ?? null,
            reason: d.record?.reason ?? d.reason ?? null,
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const lines = ['', `${outcome.result.toUpperCase()} game day ${plan.name}`];
    for (const d of outcome.drills) {
      const what = d.record ? `${d.record.result}: ${d.record.reason}` : `${d.status}: ${d.reason ?? ''}`;
      lines.push(`  ${d.step}. ${d.scenarioName} — ${what}`);
    }
    lines.push(`  report: ${show(saved.markdownPath)} (and gameday.html)`, '');
    io.stdout(secrets.redact(lines.join('\n')));
  }
  return EXIT_CODE[outcome.result];
}
