/**
 * The run history: every run record under a runs directory, indexed, filtered and summarised into
 * trends (success rate, p50/p95 of each phase time) per service and scenario. Used by
 * `rollback-drill history` and exported as metrics by `rollback-drill serve`.
 */
import { UserError } from '../core/errors.js';
import { parseDurationMs } from '../scenario/units.js';
import { scanRunsDir, type HistoryScan, type UnreadableRecord } from './history-index.js';
import { filterRuns, historyStats, statsBy, type HistoryFilter, type HistoryStats } from './history-stats.js';
import type { RunSummary } from './history-summary.js';

export { scanRunsDir, HISTORY_INDEX_FILE, type HistoryScan, type UnreadableRecord } from './history-index.js';
export {
  filterRuns,
  historyStats,
  nearestRankPercentile,
  statsBy,
  type GroupStats,
  type HistoryFilter,
  type HistoryStats,
  type PercentileStats,
} from './history-stats.js';
export { summarizeRun, runSummarySchema, type RunSummary } from './history-summary.js';

export interface ServiceTrend {
  readonly service: string;
  readonly stats: HistoryStats;
  readonly scenarios: readonly { readonly scenario: string; readonly stats: HistoryStats }[];
}

export interface HistoryReport {
  readonly runsDir: string;
  readonly filter: HistoryFilter;
  readonly overall: HistoryStats;
  readonly services: readonly ServiceTrend[];
  /** The matching runs, oldest first. */
  readonly runs: readonly RunSummary[];
  readonly unreadable: readonly UnreadableRecord[];
  readonly incomplete: readonly string[];
  readonly indexWarning?: string;
}

/** Scans `runsDir` (through its index) and summarises the runs that match `filter`. */
export async function loadHistoryReport(runsDir: string, filter: HistoryFilter = {}): Promise<HistoryReport> {
  return buildHistoryReport(await scanRunsDir(runsDir), filter);
}

/** Pure: the report of one scan. */
export function buildHistoryReport(scan: HistoryScan, filter: HistoryFilter): HistoryReport {
  const runs = filterRuns(scan.runs, filter);
  const services = statsBy(runs, 'service').map(({ key: service, stats }) => ({
    service,
    stats,
    scenarios: statsBy(
      runs.filter((run) => run.service === service),
      'scenario',
    ).map(({ key: scenario, stats: scenarioStats }) => ({ scenario, stats: scenarioStats })),
  }));
  return {
    runsDir: scan.runsDir,
    filter,
    overall: historyStats(runs),
    services,
    runs,
    unreadable: scan.unreadable,
    incomplete: scan.incomplete,
    ...(scan.indexWarning ? { indexWarning: scan.indexWarning } : {}),
  };
}

/**
 * `--since` as a user writes it: a duration back from now ("30d", "12h", "1d12h") or an ISO date
 * ("2026-11-01", "2026-11-01T08:00:00Z"). Returns epoch ms; throws UserError otherwise.
 */
export function parseSince(text: string, nowEpochMs: number): number {
  const back = parseDurationMs(text);
  if (back !== undefined) return nowEpochMs - back;
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const at = Date.parse(text.trim());
    if (Number.isFinite(at)) return at;
  }
  throw new UserError(
    `--since: expected a duration back from now such as 30d, 12h or 1d12h, or a date such as 2026-11-01; got "${text}"`,
  );
}
