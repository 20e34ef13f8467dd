/**
 * The daemon's own metrics, beside the drill metrics in the same registry: trends from the run
 * history (docs/history.md) and what the scheduler did. History gauges are rebuilt from a whole
 * history report each refresh (reset, then set), so a service that left the window disappears
 * instead of keeping its last value forever. Measurements that do not exist are absent, never 0.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '../../exporters/prometheus/drill-metrics.js';
import type { HistoryReport } from '../store/history.js';
import { MEASUREMENT_NAMES, runResultSchema, type MeasurementName } from '../store/run-record.js';

/** `timeToDetectSeconds` → `time_to_detect`, the label values the drill metrics already use. */
const MEASUREMENT_LABEL: Record<MeasurementName, string> = {
  timeToDetectSeconds: 'time_to_detect',
  timeToDecideSeconds: 'time_to_decide',
  timeToRollbackSeconds: 'time_to_rollback',
  timeToRecoverSeconds: 'time_to_recover',
};

export const SCHEDULE_OUTCOMES = [
  'started',
  'skipped_busy',
  'skipped_missing',
  'skipped_shutting_down',
  'failed',
] as const;
export type ScheduleOutcome = (typeof SCHEDULE_OUTCOMES)[number];

export interface ServeMetrics {
  /** Replaces every history gauge with the figures of `report`. */
  updateHistory(report: HistoryReport, windowSeconds: number, nowEpochMs: number): void;
  scheduled(scenario: string, outcome: ScheduleOutcome): void;
  /** Creates a schedule's counters at 0 so its first outcome is seen by increase(). */
  ensureSchedule(scenario: string): void;
}

export function createServeMetrics(registry: Registry): ServeMetrics {
  const registers = [registry];
  const name = (suffix: string): string => `${METRIC_PREFIX}${suffix}`;
  const runs = new Gauge({
    name: name('history_runs'),
    help: 'Run records in the history window, per service and result.',
    labelNames: ['service', 'result'],
    registers,
  });
  const successRatio = new Gauge({
    name: name('history_success_ratio'),
    help: 'Share of drills in the history window that passed, of those that passed or failed (aborted runs excluded).',
    labelNames: ['service'],
    registers,
  });
  const rollbackSuccessRatio = new Gauge({
    name: name('history_rollback_success_ratio'),
    help: 'Share of rollbacks in the history window that succeeded, of the drills that decided to roll back.',
    labelNames: ['service'],
    registers,
  });
  const measurementSeconds = new Gauge({
    name: name('history_measurement_seconds'),
    help: 'Nearest-rank percentile (p50, p95) of each drill measurement over the history window.',
    labelNames: ['service', 'measurement', 'percentile'],
    registers,
  });
  const measurementCount = new Gauge({
    name: name('history_measurement_runs'),
    help: 'Number of drills in the history window that produced each measurement (the percentiles are over these).',
    labelNames: ['service', 'measurement'],
    registers,
  });
  const unreadable = new Gauge({
    name: name('history_unreadable_records'),
    help: 'run.json files in the runs directory that could not be read and were skipped.',
    registers,
  });
  const window = new Gauge({
    name: name('history_window_seconds'),
    help: 'How far back the history metrics look, in seconds.',
    registers,
  });
  const lastRefresh = new Gauge({
    name: name('history_last_refresh_timestamp_seconds'),
    help: 'Unix time the history metrics were last recomputed.',
    registers,
  });
  const scheduledRuns = new Counter({
    name: name('serve_scheduled_runs_total'),
    help: 'Scheduled drill starts by outcome (started, skipped_busy, skipped_missing, skipped_shutting_down, failed).',
    labelNames: ['scenario', 'outcome'],
    registers,
  });

  return {
    updateHistory(report, windowSeconds, nowEpochMs) {
      for (const gauge of [runs, successRatio, rollbackSuccessRatio, measurementSeconds, measurementCount])
        gauge.reset();
      for (const { service, stats } of report.services) {
        for (const result of runResultSchema.options) runs.set({ service, result }, stats.results[result]);
        if (stats.successRatio !== null) successRatio.set({ service }, stats.successRatio);
        if (stats.rollbackSuccessRatio !== null)
          rollbackSuccessRatio.set({ service }, stats.rollbackSuccessRatio);
        for (const measurementName of MEASUREMENT_NAMES) {
          const measurement = MEASUREMENT_LABEL[measurementName];
          const phase = stats.phases[measurementName];
          measurementCount.set({ service, measurement }, phase.count);
          if (phase.p50 !== null)
            measurementSeconds.set({ service, measurement, percentile: 'p50' }, phase.p50);
          if (phase.p95 !== null)
            measurementSeconds.set({ service, measurement, percentile: 'p95' }, phase.p95);
        }
      }
      unreadable.set(report.unreadable.length);
      window.set(windowSeconds);
      lastRefresh.set(nowEpochMs / 1000);
    },
    scheduled(scenario, outcome) {
      scheduledRuns.inc({ scenario, outcome });
    },
    ensureSchedule(scenario) {
      for (const outcome of SCHEDULE_OUTCOMES) scheduledRuns.inc({ scenario, outcome }, 0);
    },
  };
}
