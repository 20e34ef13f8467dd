/**
 * `rollback-drill history`: trends over the run records in a runs directory — per service (and per
 * scenario inside it) the success rate and the p50/p95 of each phase time. Unreadable records are
 * listed on stderr and skipped, never fatal.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { Option } from 'commander';
import { seconds, percent } from '../../exporters/reports/format.js';
import { ExitCode } from '../core/errors.js';
import { parseDurationMs } from '../scenario/units.js';
import { loadHistoryReport, parseSince, type HistoryReport } from '../store/history.js';
import type { HistoryStats } from '../store/history-stats.js';
import {
  MEASUREMENT_NAMES,
  runResultSchema,
  type MeasurementName,
  type RunResult,
} from '../store/run-record.js';
import { DEFAULT_RUNS_DIR } from '../store/run-store.js';
import type { CliIo } from './io.js';

export interface HistoryCommandOptions {
  readonly runs: string;
  readonly service?: string;
  readonly scenario?: string;
  readonly result?: RunResult;
  readonly since?: string;
  readonly json: boolean;
}

const PHASE_WORDS: Record<MeasurementName, string> = {
  timeToDetectSeconds: 'detect',
  timeToDecideSeconds: 'decide',
  timeToRollbackSeconds: 'roll back',
  timeToRecoverSeconds: 'recover',
};

export function registerHistoryCommand(program: Command, io: CliIo, now: () => number = Date.now): void {
  program
    .command('history')
    .description('trends over past drills: success rate and p50/p95 of each phase time, per service')
    .option('--runs <dir>', 'folder of run records', DEFAULT_RUNS_DIR)
    .option('--service <name>', 'only this service')
    .option('--scenario <name>', 'only this scenario')
    .addOption(new Option('--result <result>', 'only runs with this result').choices(runResultSchema.options))
    .option('--since <when>', 'only runs started since: a duration back from now (30d, 12h) or a date')
    .option('--json', 'print the whole report as JSON on stdout', false)
    .addHelpText(
      'after',
      `
Success rate = passed ÷ (passed + failed); aborted and interrupted runs are counted but reached no
verdict. p50/p95 are nearest-rank percentiles over the runs that have the measurement (n).
Records that cannot be read are skipped and listed on stderr. See docs/history.md.

Examples:
  $ rollback-drill history
  $ rollback-drill history --runs /var/lib/drills --service shop --since 30d
  $ rollback-drill history --since 2026-11-01 --json`,
    )
    .action(async (options: HistoryCommandOptions) => {
      io.setExitCode(await historyCommand(options, io, now()));
    });
}

export async function historyCommand(
  options: HistoryCommandOptions,
  io: CliIo,
  nowEpochMs: number,
): Promise<number> {
  const sinceEpochMs = options.since === undefined ? undefined : parseSince(options.since, nowEpochMs);
  const report = await loadHistoryReport(options.runs, {
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
    ...(options.result !== undefined ? { result: options.result } : {}),
    ...(sinceEpochMs !== undefined ? { sinceEpochMs } : {}),
  });
  for (const bad of report.unreadable)
    io.stderr(`warning: skipped ${displayPath(bad.path)}: ${bad.problem}\n`);
  if (report.indexWarning) io.stderr(`warning: ${report.indexWarning}\n`);
  if (options.json) io.stdout(`${JSON.stringify(jsonReport(report, options.since), null, 2)}\n`);
  else io.stdout(textReport(report, options.since));
  return ExitCode.passed;
}

function jsonReport(report: HistoryReport, since: string | undefined): Record<string, unknown> {
  const { sinceEpochMs, ...filter } = report.filter;
  return {
    runsDir: report.runsDir,
    filter: {
      ...filter,
      ...(sinceEpochMs !== undefined
        ? { since: new Date(sinceEpochMs).toISOString(), sinceText: since }
        : {}),
    },
    overall: report.overall,
    services: report.services,
    runs: report.runs,
    unreadable: report.unreadable,
    incomplete: report.incomplete,
  };
}

export function textReport(report: HistoryReport, since: string | undefined): string {
  const lines: string[] = [];
  const scope = [
    report.filter.service ? `service ${report.filter.service}` : '',
    report.filter.scenario ? `scenario ${report.filter.scenario}` : '',
    report.filter.result ? `result ${report.filter.result}` : '',
    report.filter.sinceEpochMs !== undefined
      ? `since ${new Date(report.filter.sinceEpochMs).toISOString()}${since !== undefined && parseDurationMs(since) !== undefined ? ` (last ${since})` : ''}`
      : '',
  ].filter(Boolean);
  const unreadable = report.unreadable.length
    ? `; ${report.unreadable.length} unreadable record${report.unreadable.length === 1 ? '' : 's'} skipped`
    : '';
  lines.push(
    `${displayPath(report.runsDir)}: ${plural(report.runs.length, 'run')}${scope.length ? ` (${scope.join(', ')})` : ''}${unreadable}`,
  );
  if (report.runs.length === 0) {
    lines.push('no runs match');
    return `${lines.join('\n')}\n`;
  }
  for (const trend of report.services) {
    lines.push('', `${trend.service} — ${resultLine(trend.stats)}`);
    lines.push(...phaseTable(trend.stats).map((line) => `  ${line}`));
    // With one scenario its line would repeat the service's; with several, each gets its own.
    if (trend.scenarios.length > 1)
      for (const { scenario, stats } of trend.scenarios) lines.push(`  · ${scenario}: ${resultLine(stats)}`);
  }
  return `${lines.join('\n')}\n`;
}

function resultLine(stats: HistoryStats): string {
  const { passed, failed, aborted, interrupted } = stats.results;
  const parts = [`${passed} passed`, `${failed} failed`];
  if (aborted) parts.push(`${aborted} aborted`);
  if (interrupted) parts.push(`${interrupted} interrupted`);
  const success =
    stats.successRatio === null
      ? 'success —'
      : `success ${percent(stats.successRatio, 1)} (${passed}/${passed + failed})`;
  return `${plural(stats.runs, 'run')}: ${parts.join(', ')} · ${success}`;
}

function phaseTable(stats: HistoryStats): string[] {
  const rows = [
    ['phase', 'n', 'p50', 'p95'],
    ...MEASUREMENT_NAMES.map((name) => {
      const phase = stats.phases[name];
      return [PHASE_WORDS[name], String(phase.count), roundedSeconds(phase.p50), roundedSeconds(phase.p95)];
    }),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((text, i) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** Percentiles are observed values; a millisecond is finer than any drill measurement's resolution. */
function roundedSeconds(value: number | null): string {
  return seconds(value === null ? null : +value.toFixed(3));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
