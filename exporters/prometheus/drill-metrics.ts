/**
 * The drill metrics: families in one prom-client registry, names per Prometheus naming practice
 * (`rollback_drill_` prefix, base units as suffixes, counters end in `_total`). docs/metrics.md
 * documents every one of them; keep the two in step. Each family keeps its series per scenario
 * (partitioned-family.ts) so a scrape re-renders only the scenarios that changed.
 */
import { Registry } from 'prom-client';
import { PHASES } from '../../harness/runner/timeline.js';
import type { TimelineEventType } from '../../harness/runner/timeline.js';
import { runResultSchema } from '../../harness/store/run-record.js';
import { DRILL_LABEL_NAMES, INFO_LABEL_NAMES, type DrillLabelName, type DrillLabels } from './labels.js';
import { CounterFamily, GaugeFamily, HistogramFamily } from './metric-families.js';

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

/** Families that exist only while a drill runs (cleared when it ends): never pushed, never kept. */
export const LIVE_METRIC_NAMES = [
  `${METRIC_PREFIX}live_requests_per_second`,
  `${METRIC_PREFIX}live_error_ratio`,
  `${METRIC_PREFIX}live_latency_seconds`,
] as const;

export interface DrillMetrics {
  readonly registry: Registry;
  readonly timeToDetectSeconds: HistogramFamily<Base>;
  readonly timeToDecideSeconds: HistogramFamily<Base>;
  readonly timeToRollbackSeconds: HistogramFamily<Base>;
  readonly timeToRecoverSeconds: HistogramFamily<Base>;
  readonly runsTotal: CounterFamily<Base | 'result'>;
  readonly rollbacksTotal: CounterFamily<Base | 'outcome'>;
  readonly objectiveMissesTotal: CounterFamily<Base | 'objective'>;
  readonly info: GaugeFamily<Base | (typeof INFO_LABEL_NAMES)[number]>;
  readonly sloAvailabilityRatio: GaugeFamily<Base>;
  readonly sloLatencyThresholdSeconds: GaugeFamily<Base | 'percentile'>;
  readonly liveRequestsPerSecond: GaugeFamily<Base>;
  readonly liveErrorRatio: GaugeFamily<Base>;
  readonly liveLatencySeconds: GaugeFamily<Base | 'percentile'>;
  readonly inProgress: GaugeFamily<Base>;
  readonly lastRunTimestampSeconds: GaugeFamily<Base>;
  readonly lastSuccessTimestampSeconds: GaugeFamily<Base>;
  readonly lastRunDurationSeconds: GaugeFamily<Base>;
  readonly lastRunResult: GaugeFamily<Base | 'result'>;
  readonly lastRunMeasurementSeconds: GaugeFamily<Base | 'measurement'>;
  readonly phaseTimestampSeconds: GaugeFamily<Base | 'phase' | 'edge'>;
  readonly eventTimestampSeconds: GaugeFamily<Base | 'event'>;
  readonly windowAvailabilityRatio: GaugeFamily<Base | 'window'>;
  readonly windowErrorRatio: GaugeFamily<Base | 'window'>;
  readonly windowLatencySeconds: GaugeFamily<Base | 'window' | 'percentile'>;
  readonly postRollbackDeltaAvailabilityRatio: GaugeFamily<Base>;
  readonly postRollbackDeltaErrorRatio: GaugeFamily<Base>;
  readonly postRollbackDeltaLatencySeconds: GaugeFamily<Base | 'percentile'>;
  readonly objectiveMet: GaugeFamily<Base | 'objective'>;
  readonly objectiveTargetSeconds: GaugeFamily<Base | 'objective'>;
  /**
   * Creates a scenario's counters and histograms at 0, so the first drill is counted by
   * `increase()` (which ignores a series' first sample). Idempotent.
   */
  ensureSeries(labels: DrillLabels): void;
}

export function createDrillMetrics(registry: Registry = new Registry()): DrillMetrics {
  const histogram = (name: string, help: string): HistogramFamily<Base> =>
    new HistogramFamily<Base>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: base,
      partitionBy: base,
      buckets: DURATION_BUCKETS_SECONDS,
      registry,
    });
  const counter = <L extends string>(name: string, help: string, extra: L[]): CounterFamily<Base | L> =>
    new CounterFamily<Base | L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: [...base, ...extra],
      partitionBy: base,
      registry,
    });
  const gauge = <L extends string>(name: string, help: string, extra: L[]): GaugeFamily<Base | L> =>
    new GaugeFamily<Base | L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames: [...base, ...extra],
      partitionBy: base,
      registry,
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
    info: gauge(
      'info',
      'Always 1: how the scenario is drilled (target_type, detector, decision), to join onto the other series by the scenario labels.',
      [...INFO_LABEL_NAMES],
    ),
    sloAvailabilityRatio: gauge(
      'slo_availability_ratio',
      "The scenario's availability SLO: the share of requests that must succeed.",
      [],
    ),
    sloLatencyThresholdSeconds: gauge(
      'slo_latency_threshold_seconds',
      "The scenario's latency SLOs: the percentile (p95, p99.9, ...) must stay at or below this many seconds.",
      ['percentile'],
    ),
    liveRequestsPerSecond: gauge(
      'live_requests_per_second',
      'Requests completed in the last one-second SLI sample of the running drill; absent when no drill runs.',
      [],
    ),
    liveErrorRatio: gauge(
      'live_error_ratio',
      'Share of requests that failed in the last one-second SLI sample of the running drill; absent when no drill runs or no request completed.',
      [],
    ),
    liveLatencySeconds: gauge(
      'live_latency_seconds',
      'Client-side latency percentile (p50, p95, p99) in the last one-second SLI sample of the running drill; absent when no drill runs or no request completed.',
      ['percentile'],
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
