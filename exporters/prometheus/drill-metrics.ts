/**
 * The drill metrics: one prom-client registry, names per Prometheus naming practice
 * (`rollback_drill_` prefix, base units as suffixes, counters end in `_total`). docs/metrics.md
 * documents every one of them; keep the two in step.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PHASES } from '../../harness/runner/timeline.js';
import type { TimelineEventType } from '../../harness/runner/timeline.js';
import { runResultSchema } from '../../harness/store/run-record.js';
import { DRILL_LABEL_NAMES, type DrillLabelName, type DrillLabels } from './labels.js';

export const METRIC_PREFIX = 'rollback_drill_';

/**
 * Seconds, from sub-second automatic decisions to hour-long manual rollbacks. Fixed, because
 * changing bucket boundaries breaks `histogram_quantile()` over history.
 */
export const DURATION_BUCKETS_SECONDS = [
  0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
] as const;

export const RUN_RESULTS = runResultSchema.options;
export const ROLLBACK_OUTCOMES = ['succeeded', 'failed'] as const;
export const OBJECTIVES = [
  'time_to_detect',
  'time_to_decide',
  'time_to_rollback',
  'time_to_recover',
] as const;
export const WINDOWS = ['baseline', 'fault', 'post_rollback'] as const;
export const PERCENTILES = ['p50', 'p95', 'p99'] as const;
export const PHASE_EDGES = ['start', 'end'] as const;
export { PHASES };

/** Timeline events worth a timestamp (Grafana annotations), as `event` label values. */
export const TIMESTAMPED_EVENTS = [
  'fault.injected',
  'detected',
  'decided',
  'rollback.started',
  'rollback.completed',
  'rollback.failed',
  'fault.cleared',
  'recovered',
  'phase.timeout',
  'run.aborted',
] as const satisfies readonly TimelineEventType[];
export type TimestampedEvent = (typeof TIMESTAMPED_EVENTS)[number];

/** `rollback.started` → `rollback_started`: label values read like the metric names around them. */
export function eventLabel(type: TimestampedEvent): string {
  return type.replaceAll('.', '_');
}

type Base = DrillLabelName;
const base: Base[] = [...DRILL_LABEL_NAMES];

export interface DrillMetrics {
  readonly registry: Registry;
  readonly timeToDetectSeconds: Histogram<Base>;
  readonly timeToDecideSeconds: Histogram<Base>;
  readonly timeToRollbackSeconds: Histogram<Base>;
  readonly timeToRecoverSeconds: Histogram<Base>;
  readonly runsTotal: Counter<Base | 'result'>;
  readonly rollbacksTotal: Counter<Base | 'outcome'>;
  readonly objectiveMissesTotal: Counter<Base | 'objective'>;
  readonly inProgress: Gauge<Base>;
  readonly lastRunTimestampSeconds: Gauge<Base>;
  readonly lastSuccessTimestampSeconds: Gauge<Base>;
  readonly lastRunDurationSeconds: Gauge<Base>;
  readonly lastRunResult: Gauge<Base | 'result'>;
  readonly lastRunMeasurementSeconds: Gauge<Base | 'measurement'>;
  readonly phaseTimestampSeconds: Gauge<Base | 'phase' | 'edge'>;
  readonly eventTimestampSeconds: Gauge<Base | 'event'>;
  readonly windowAvailabilityRatio: Gauge<Base | 'window'>;
  readonly windowErrorRatio: Gauge<Base | 'window'>;
  readonly windowLatencySeconds: Gauge<Base | 'window' | 'percentile'>;
  readonly postRollbackDeltaAvailabilityRatio: Gauge<Base>;
  readonly postRollbackDeltaErrorRatio: Gauge<Base>;
  readonly postRollbackDeltaLatencySeconds: Gauge<Base | 'percentile'>;
  readonly objectiveMet: Gauge<Base | 'objective'>;
  readonly objectiveTargetSeconds: Gauge<Base | 'objective'>;
  /**
   * Creates a scenario's counters and histograms at 0, so the first drill is counted by
   * `increase()` (which ignores a series' first sample). Idempotent.
   */
  ensureSeries(labels: DrillLabels): void;
}

export function createDrillMetrics(registry: Registry = new Registry()): DrillMetrics {
  const registers = [registry];
  const histogram = (name: string, help: string): Histogram<Base> =>
    new Histogram({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: base,
      buckets: [...DURATION_BUCKETS_SECONDS],
      registers,
    });
  const counter = <L extends string>(name: string, help: string, extra: L[]): Counter<Base | L> =>
    new Counter<Base | L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: [...base, ...extra],
      registers,
    });
  const gauge = <L extends string>(name: string, help: string, extra: L[]): Gauge<Base | L> =>
    new Gauge<Base | L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: [...base, ...extra],
      registers,
    });

  const metrics: Omit<DrillMetrics, 'ensureSeries'> = {
    registry,
    timeToDetectSeconds: histogram(
      'time_to_detect_seconds',
      'Seconds from the fault taking effect to its detection, one observation per drill that detected it.',
    ),
    timeToDecideSeconds: histogram(
      'time_to_decide_seconds',
      'Seconds from detection to the decision to roll back, one observation per drill that decided.',
    ),
    timeToRollbackSeconds: histogram(
      'time_to_rollback_seconds',
      'Seconds from the decision to the stable version serving and healthy, one observation per completed rollback.',
    ),
    timeToRecoverSeconds: histogram(
      'time_to_recover_seconds',
      'Seconds from the fault taking effect to the SLIs holding inside the SLO again, one observation per recovered drill.',
    ),
    runsTotal: counter('runs_total', 'Drills finished, by result (passed, failed, aborted, interrupted).', [
      'result',
    ]),
    rollbacksTotal: counter(
      'rollbacks_total',
      'Rollbacks attempted by drills, by outcome (succeeded: stable version serving and SLOs holding again).',
      ['outcome'],
    ),
    objectiveMissesTotal: counter(
      'objective_misses_total',
      'Drills that missed an objective (measurement over its target, or never measured).',
      ['objective'],
    ),
    inProgress: gauge('in_progress', '1 while a drill of this scenario runs, else 0.', []),
    lastRunTimestampSeconds: gauge(
      'last_run_timestamp_seconds',
      'Unix time the last drill of this scenario finished.',
      [],
    ),
    lastSuccessTimestampSeconds: gauge(
      'last_success_timestamp_seconds',
      'Unix time the last passed drill of this scenario finished; absent until one passes.',
      [],
    ),
    lastRunDurationSeconds: gauge('last_run_duration_seconds', 'Wall-clock seconds the last drill took.', []),
    lastRunResult: gauge('last_run_result', '1 for the result of the last drill, 0 for the other results.', [
      'result',
    ]),
    lastRunMeasurementSeconds: gauge(
      'last_run_measurement_seconds',
      'The last drill measurements (time_to_detect, time_to_decide, time_to_rollback, time_to_recover); absent when not measured.',
      ['measurement'],
    ),
    phaseTimestampSeconds: gauge(
      'phase_timestamp_seconds',
      'Unix time each phase of the current or last drill started and ended (for Grafana annotations).',
      ['phase', 'edge'],
    ),
    eventTimestampSeconds: gauge(
      'event_timestamp_seconds',
      'Unix time of the key events of the current or last drill (fault_injected, detected, decided, rollback_started, ...).',
      ['event'],
    ),
    windowAvailabilityRatio: gauge(
      'window_availability_ratio',
      'Share of requests that succeeded in a window of the last drill (baseline, fault, post_rollback).',
      ['window'],
    ),
    windowErrorRatio: gauge(
      'window_error_ratio',
      'Share of requests that failed in a window of the last drill (baseline, fault, post_rollback).',
      ['window'],
    ),
    windowLatencySeconds: gauge(
      'window_latency_seconds',
      'Client-side latency percentile (p50, p95, p99) in a window of the last drill.',
      ['window', 'percentile'],
    ),
    postRollbackDeltaAvailabilityRatio: gauge(
      'post_rollback_delta_availability_ratio',
      'Availability after the rollback minus availability in the baseline, last drill (negative = worse).',
      [],
    ),
    postRollbackDeltaErrorRatio: gauge(
      'post_rollback_delta_error_ratio',
      'Error ratio after the rollback minus error ratio in the baseline, last drill (positive = worse).',
      [],
    ),
    postRollbackDeltaLatencySeconds: gauge(
      'post_rollback_delta_latency_seconds',
      'Latency percentile after the rollback minus the same percentile in the baseline, last drill (positive = slower).',
      ['percentile'],
    ),
    objectiveMet: gauge('objective_met', '1 when the last drill met the objective, else 0.', ['objective']),
    objectiveTargetSeconds: gauge('objective_target_seconds', 'The objective target, in seconds.', [
      'objective',
    ]),
  };

  const seen = new Set<string>();
  return {
    ...metrics,
    ensureSeries(labels) {
      const key = JSON.stringify(labels);
      if (seen.has(key)) return;
      seen.add(key);
      for (const h of [
        metrics.timeToDetectSeconds,
        metrics.timeToDecideSeconds,
        metrics.timeToRollbackSeconds,
        metrics.timeToRecoverSeconds,
      ])
        h.zero(labels);
      for (const result of RUN_RESULTS) metrics.runsTotal.inc({ ...labels, result }, 0);
      for (const outcome of ROLLBACK_OUTCOMES) metrics.rollbacksTotal.inc({ ...labels, outcome }, 0);
      for (const objective of OBJECTIVES) metrics.objectiveMissesTotal.inc({ ...labels, objective }, 0);
      metrics.inProgress.set(labels, 0);
    },
  };
}
