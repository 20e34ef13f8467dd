/**
 * Trends over run summaries: filters, success rates and percentiles of each phase time. Pure.
 *
 * Definitions (docs/history.md):
 * - success ratio = passed ÷ (passed + failed). Aborted and interrupted runs never reached a verdict
 *   (an operator stopped them, the baseline was already unhealthy, the harness crashed), so they are
 *   counted and shown but are neither successes nor failures.
 * - rollback success ratio = runs whose rollback succeeded ÷ runs that reached a decision to roll back.
 * - p50/p95 are nearest-rank percentiles of the measurements that exist (a run that never detected
 *   the fault has no time to detect); `count` says how many values each one is over.
 */
import type { MeasurementName } from './run-record.js';
import { MEASUREMENT_NAMES } from './run-record.js';
import type { RunSummary } from './history-summary.js';
import type { RunResult } from './run-record.js';

export interface HistoryFilter {
  readonly service?: string;
  readonly scenario?: string;
  readonly result?: RunResult;
  /** Only runs that started at or after this instant (epoch ms). */
  readonly sinceEpochMs?: number;
}

export interface PercentileStats {
  /** How many runs had this measurement. */
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
}

export interface HistoryStats {
  readonly runs: number;
  readonly results: Readonly<Record<RunResult, number>>;
  /** passed ÷ (passed + failed); null when no run reached a verdict. */
  readonly successRatio: number | null;
  /** rollback succeeded ÷ runs that decided to roll back; null when none did. */
  readonly rollbackSuccessRatio: number | null;
  readonly phases: Readonly<Record<MeasurementName, PercentileStats>>;
  /** The latest run's start and result; null when there are no runs. */
  readonly lastRun: { readonly runId: string; readonly startedAt: string; readonly result: RunResult } | null;
}

export interface GroupStats {
  readonly key: string;
  readonly stats: HistoryStats;
}

export function filterRuns(runs: readonly RunSummary[], filter: HistoryFilter): RunSummary[] {
  return runs.filter(
    (run) =>
      (filter.service === undefined || run.service === filter.service) &&
      (filter.scenario === undefined || run.scenario === filter.scenario) &&
      (filter.result === undefined || run.result === filter.result) &&
      (filter.sinceEpochMs === undefined || Date.parse(run.startedAt) >= filter.sinceEpochMs),
  );
}

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below it. It is
 * always one of the observed values (no interpolation between two drills), so it can be checked by
 * hand: of 1..10, p50 = 5 and p95 = 10.
 */
export function nearestRankPercentile(values: readonly number[], percentile: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function historyStats(runs: readonly RunSummary[]): HistoryStats {
  const results: Record<RunResult, number> = { passed: 0, failed: 0, aborted: 0, interrupted: 0 };
  for (const run of runs) results[run.result] += 1;
  const decided = runs.filter((run) => run.timeToDecideSeconds !== null);
  const phases = Object.fromEntries(
    MEASUREMENT_NAMES.map((name) => {
      const values = runs.map((run) => run[name]).filter((v): v is number => v !== null);
      return [
        name,
        {
          count: values.length,
          p50: nearestRankPercentile(values, 50),
          p95: nearestRankPercentile(values, 95),
        },
      ];
    }),
  ) as Record<MeasurementName, PercentileStats>;
  const last = latest(runs);
  return {
    runs: runs.length,
    results,
    successRatio: ratio(results.passed, results.passed + results.failed),
    rollbackSuccessRatio: ratio(decided.filter((run) => run.rollbackSucceeded).length, decided.length),
    phases,
    lastRun: last ? { runId: last.runId, startedAt: last.startedAt, result: last.result } : null,
  };
}

/** Stats per value of `by` (service or scenario), sorted by that value. */
export function statsBy(runs: readonly RunSummary[], by: 'service' | 'scenario'): GroupStats[] {
  const groups = new Map<string, RunSummary[]>();
  for (const run of runs) {
    const key = run[by];
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => ({ key, stats: historyStats(group) }));
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function latest(runs: readonly RunSummary[]): RunSummary | undefined {
  let found: RunSummary | undefined;
  for (const run of runs) {
    if (
      !found ||
      run.startedAt > found.startedAt ||
      (run.startedAt === found.startedAt && run.runId > found.runId)
    )
      found = run;
  }
  return found;
}
