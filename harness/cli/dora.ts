/**
 * `rollback-drill dora import FILE...` and `rollback-drill dora report`: deployment and incident
 * events in, DORA figures per service out, with the drills' recovery figures beside them.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { computeDoraReport } from '../dora/compute.js';
import { normalizeTimestamp } from '../dora/events.js';
import { renderDoraText } from '../dora/format.js';
import { readDoraEventFiles } from '../dora/import-files.js';
import { DEFAULT_LINK_WINDOW_MS } from '../dora/link.js';
import { doraEventStore, type MergeCounts } from '../dora/store.js';
import { parseDurationMs } from '../scenario/units.js';
import { DEFAULT_RUNS_DIR } from '../store/run-store.js';
import { scanRunsDir } from '../store/history-index.js';
import type { CliIo } from './io.js';

export const DEFAULT_DORA_PERIOD_MS = 30 * 86_400_000;

export interface DoraImportOptions {
  readonly runsDir: string;
}

export interface DoraReportCommandOptions {
  readonly runsDir: string;
  readonly service?: string;
  readonly period: number;
  readonly until?: number;
  readonly linkWindow: number;
  readonly json: boolean;
}

export function registerDoraCommand(program: Command, io: CliIo): void {
  const dora = program
    .command('dora')
    .description('DORA figures from deployment and incident events, beside the drills’ recovery times');
  dora
    .command('import')
    .description('add deployment and incident events (JSON or CSV) to DIR/dora-events.json')
    .argument('<files...>', 'event files: .json or .csv (see docs/dora.md for the fields)')
    .option('--runs-dir <dir>', 'folder of run records, where the event log is kept', DEFAULT_RUNS_DIR)
    .addHelpText(
      'after',
      `
Events with an id already stored replace the stored one (re-import an export once incidents are
resolved). A file with any problem imports nothing; every problem is listed with its line.

Examples:
  $ rollback-drill dora import deployments.csv incidents.json
  $ rollback-drill dora import --runs-dir /var/lib/drills events.csv`,
    )
    .action(async (files: string[], options: DoraImportOptions) => {
      await doraImportCommand(files, options, io);
    });
  dora
    .command('report')
    .description('deployment frequency, change fail rate, recovery time, rework rate and level per service')
    .option('--runs-dir <dir>', 'folder of run records and the event log', DEFAULT_RUNS_DIR)
    .option('--service <name>', 'only this service')
    .option(
      '--period <duration>',
      'the period, ending now (or --until): e.g. 7d, 30d, 90d',
      parsePeriod,
      DEFAULT_DORA_PERIOD_MS,
    )
    .option('--until <time>', 'end of the period, ISO-8601 with a timezone (default: now)', parseUntil)
    .option(
      '--link-window <duration>',
      'link an incident without a deploymentId to a deployment that finished at most this long before it',
      parsePeriod,
      DEFAULT_LINK_WINDOW_MS,
    )
    .option('--json', 'print the report as JSON', false)
    .addHelpText(
      'after',
      `
Examples:
  $ rollback-drill dora report
  $ rollback-drill dora report --service shop --period 90d --json
  $ rollback-drill dora report --until 2026-12-01T00:00:00Z --period 30d`,
    )
    .action(async (options: DoraReportCommandOptions) => {
      await doraReportCommand(options, io, Date.now());
    });
}

export async function doraImportCommand(
  files: readonly string[],
  options: DoraImportOptions,
  io: CliIo,
): Promise<void> {
  const events = await readDoraEventFiles(files);
  const store = doraEventStore(options.runsDir);
  const summary = await store.add(events);
  const counts = (word: string, c: MergeCounts): string =>
    `${c.added} ${word} added, ${c.updated} updated, ${c.unchanged} unchanged`;
  io.stdout(
    `${counts('deployments', summary.deployments)}; ${counts('incidents', summary.incidents)}\nevent log: ${store.path}\n`,
  );
}

export async function doraReportCommand(
  options: DoraReportCommandOptions,
  io: CliIo,
  nowMs: number,
): Promise<void> {
  const endMs = options.until ?? nowMs;
  const events = await doraEventStore(options.runsDir).load();
  // Drills come from the history index (a few fields each, not whole records). Unreadable records
  // are skipped with a warning: one bad file must not hide every other drill.
  const scan = await scanRunsDir(options.runsDir);
  for (const { path, problem } of scan.unreadable) io.stderr(`warning: skipped ${path}: ${problem}\n`);
  const runs = scan.runs;
  const report = computeDoraReport(events, runs, {
    period: { startMs: endMs - options.period, endMs },
    linkWindowMs: options.linkWindow,
    ...(options.service ? { service: options.service } : {}),
  });
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoraText(report));
}

function parsePeriod(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError('expected a duration such as 24h, 7d or 30d');
  return ms;
}

function parseUntil(text: string): number {
  const iso = normalizeTimestamp(text);
  if (iso === undefined)
    throw new InvalidArgumentError('expected an ISO-8601 time with a timezone, e.g. 2026-12-01T00:00:00Z');
  return Date.parse(iso);
}
