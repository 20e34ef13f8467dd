/**
 * Drill-based recovery figures to set beside the DORA ones: how fast a service's rollback path
 * restored service when it was exercised on purpose. Both clocks start when the bad change is live
 * (deployment finish / fault start), so the drill median is the floor the real figure can approach.
 */
import type { RunRecord } from '../store/run-record.js';

/**
 * The few facts of a drill the DORA report needs. The history index keeps exactly these (its
 * RunSummary), so a report over thousands of drills never has to read whole run records.
 */
export interface DrillRun {
  readonly service: string;
  readonly startedAt: string;
  readonly result: RunRecord['result'];
  readonly timeToRecoverSeconds: number | null;
  readonly timeToRollbackSeconds: number | null;
}

export function drillRunOf(run: RunRecord | DrillRun): DrillRun {
  if (!('measurements' in run)) return run;
  return {
    service: run.scenario.service,
    startedAt: run.startedAt,
    result: run.result,
    timeToRecoverSeconds: run.measurements.timeToRecoverSeconds,
    timeToRollbackSeconds: run.measurements.timeToRollbackSeconds,
  };
}

export interface DrillFigures {
  /** Drills of the service that started in the period. */
  readonly runs: number;
  readonly passed: number;
  /** Median over passed drills; null when none passed. */
  readonly medianTimeToRecoverSeconds: number | null;
  readonly medianTimeToRollbackSeconds: number | null;
}

/** The middle value; the mean of the two middle values for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

export function drillFigures(
  records: readonly (RunRecord | DrillRun)[],
  service: string,
  period: { readonly startMs: number; readonly endMs: number },
): DrillFigures {
  const runs = records.map(drillRunOf);
  const inPeriod = runs.filter((run) => {
    const started = Date.parse(run.startedAt);
    return run.service === service && started >= period.startMs && started < period.endMs;
  });
  const passed = inPeriod.filter((run) => run.result === 'passed');
  const values = (pick: (run: DrillRun) => number | null): number[] =>
    passed.map(pick).filter((value): value is number => value !== null);
  return {
    runs: inPeriod.length,
    passed: passed.length,
    medianTimeToRecoverSeconds: median(values((run) => run.timeToRecoverSeconds)),
    medianTimeToRollbackSeconds: median(values((run) => run.timeToRollbackSeconds)),
  };
}
