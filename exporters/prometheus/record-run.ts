/**
 * Writes what a drill measured into the drill metrics. Pure apart from the metric objects it is
 * given: the same record always produces the same series, live (at runFinished) or for a push.
 */
import type { PhaseName, TimelineEventType } from '../../harness/runner/timeline.js';
import type { MeasurementName, RunRecord, WindowRecord } from '../../harness/store/run-record.js';
import {
  OBJECTIVES,
  PERCENTILES,
  RUN_RESULTS,
  TIMESTAMPED_EVENTS,
  eventLabel,
  type DrillMetrics,
  type TimestampedEvent,
} from './drill-metrics.js';
import { drillLabelsFromRecord, infoLabelsFromRecord, type DrillLabels } from './labels.js';
import { recordScenarioInfo, recordSlos, slosFromRecord } from './scenario-series.js';

type Objective = (typeof OBJECTIVES)[number];

/** `timeToDetect` / `timeToDetectSeconds` → `time_to_detect`. */
export function measurementLabel(name: string): Objective {
  const snake = name.replace(/Seconds$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const found = OBJECTIVES.find((o) => o === snake);
  if (!found) throw new Error(`unknown measurement ${name}`);
  return found;
}

function histogramsByMeasurement(
  metrics: DrillMetrics,
): [MeasurementName, DrillMetrics['timeToDetectSeconds']][] {
  return [
    ['timeToDetectSeconds', metrics.timeToDetectSeconds],
    ['timeToDecideSeconds', metrics.timeToDecideSeconds],
    ['timeToRollbackSeconds', metrics.timeToRollbackSeconds],
    ['timeToRecoverSeconds', metrics.timeToRecoverSeconds],
  ];
}

const WINDOW_OF = { baseline: 'baseline', fault: 'fault', postRollback: 'post_rollback' } as const;
const PERCENTILE_FIELD = { p50: 'p50', p95: 'p95', p99: 'p99' } as const;
const DELTA_LATENCY_FIELD = { p50: 'latencyP50Ms', p95: 'latencyP95Ms', p99: 'latencyP99Ms' } as const;

/** A rollback counts as attempted once the runner started one (or it somehow succeeded). */
export function rollbackAttempted(record: RunRecord): boolean {
  return (
    record.measurements.rollbackSucceeded ||
    record.timeline.some((e) => e.type === 'rollback.started' || e.type === 'rollback.failed')
  );
}

export function recordRunMetrics(metrics: DrillMetrics, record: RunRecord): void {
  const labels = drillLabelsFromRecord(record);
  metrics.ensureSeries(labels);
  metrics.inProgress.set(labels, 0);
  recordScenarioInfo(metrics, labels, infoLabelsFromRecord(record));
  const slos = slosFromRecord(record);
  if (slos) recordSlos(metrics, labels, slos);

  const { measurements } = record;
  for (const [name, histogram] of histogramsByMeasurement(metrics)) {
    const value = measurements[name];
    const measurement = measurementLabel(name);
    if (value === null) {
      metrics.lastRunMeasurementSeconds.remove({ ...labels, measurement });
      continue;
    }
    histogram.observe(labels, value);
    metrics.lastRunMeasurementSeconds.set({ ...labels, measurement }, value);
  }

  metrics.runsTotal.inc({ ...labels, result: record.result });
  for (const result of RUN_RESULTS)
    metrics.lastRunResult.set({ ...labels, result }, result === record.result ? 1 : 0);
  if (rollbackAttempted(record))
    metrics.rollbacksTotal.inc({
      ...labels,
      outcome: measurements.rollbackSucceeded ? 'succeeded' : 'failed',
    });

  for (const objective of record.objectives) {
    const label = { ...labels, objective: measurementLabel(objective.name) };
    metrics.objectiveMet.set(label, objective.met ? 1 : 0);
    metrics.objectiveTargetSeconds.set(label, objective.targetSeconds);
    if (!objective.met) metrics.objectiveMissesTotal.inc(label);
  }

  const endedSeconds = Date.parse(record.endedAt) / 1000;
  metrics.lastRunTimestampSeconds.set(labels, endedSeconds);
  if (record.result === 'passed') metrics.lastSuccessTimestampSeconds.set(labels, endedSeconds);
  metrics.lastRunDurationSeconds.set(labels, record.durationSeconds);

  clearRunTimestamps(metrics, labels);
  for (const event of record.timeline)
    recordTimelineEvent(metrics, labels, event.type, event.phase, Date.parse(event.at));

  for (const [field, window] of Object.entries(WINDOW_OF) as [keyof typeof WINDOW_OF, string][])
    recordWindow(metrics, { ...labels, window }, record.windows[field]);
  recordDelta(metrics, labels, measurements.postRollbackSliDelta);
}

/** Forgets the previous drill's phase and event timestamps when a new drill of the scenario starts. */
export function clearRunTimestamps(metrics: DrillMetrics, labels: DrillLabels): void {
  metrics.phaseTimestampSeconds.removePartition(labels);
  metrics.eventTimestampSeconds.removePartition(labels);
}

/** Sets the timestamp gauges an event stands for; other events are ignored. */
export function recordTimelineEvent(
  metrics: DrillMetrics,
  labels: DrillLabels,
  type: TimelineEventType,
  phase: PhaseName | undefined,
  epochMs: number,
): void {
  // Whole milliseconds, as run.json holds them (an ISO timestamp; Date truncates the fraction). A
  // live reading of the drill's clock has a sub-ms fraction: kept, the gauge would not equal
  // run.json's `at`, and would shift by that fraction when runFinished rewrites it from the record.
  const seconds = Math.trunc(epochMs) / 1000;
  if ((type === 'phase.started' || type === 'phase.ended') && phase) {
    const edge = type === 'phase.started' ? 'start' : 'end';
    metrics.phaseTimestampSeconds.set({ ...labels, phase, edge }, seconds);
    return;
  }
  if ((TIMESTAMPED_EVENTS as readonly string[]).includes(type))
    metrics.eventTimestampSeconds.set({ ...labels, event: eventLabel(type as TimestampedEvent) }, seconds);
}

function recordWindow(
  metrics: DrillMetrics,
  labels: DrillLabels & { window: string },
  window: WindowRecord | null,
): void {
  setOrRemove(metrics.windowAvailabilityRatio, labels, window?.availability ?? null);
  setOrRemove(metrics.windowErrorRatio, labels, window?.errorRatio ?? null);
  for (const percentile of PERCENTILES) {
    const ms = window?.latencyMs?.[PERCENTILE_FIELD[percentile]] ?? null;
    setOrRemove(metrics.windowLatencySeconds, { ...labels, percentile }, ms === null ? null : ms / 1000);
  }
}

function recordDelta(
  metrics: DrillMetrics,
  labels: DrillLabels,
  delta: RunRecord['measurements']['postRollbackSliDelta'],
): void {
  setOrRemove(metrics.postRollbackDeltaAvailabilityRatio, labels, delta.availability);
  setOrRemove(metrics.postRollbackDeltaErrorRatio, labels, delta.errorRatio);
  for (const percentile of PERCENTILES) {
    const ms = delta[DELTA_LATENCY_FIELD[percentile]];
    setOrRemove(
      metrics.postRollbackDeltaLatencySeconds,
      { ...labels, percentile },
      ms === null ? null : ms / 1000,
    );
  }
}

/** An absent series, not NaN, stands for "not measured": PromQL then skips it instead of poisoning sums. */
function setOrRemove<L extends string>(
  gauge: {
    set(labels: Partial<Record<L, string>>, value: number): void;
    remove(labels: Partial<Record<L, string>>): void;
  },
  labels: Partial<Record<L, string>>,
  value: number | null,
): void {
  if (value === null || !Number.isFinite(value)) gauge.remove(labels);
  else gauge.set(labels, value);
}
