/**
 * The series that describe a scenario rather than a drill's outcome: `rollback_drill_info` (how it is
 * drilled) and its SLOs (what the SLI panels draw as threshold lines). Both are replaced as a whole
 * for the scenario each time, so a detector or SLO that changed leaves no stale series behind.
 */
import { z } from 'zod';
import type { Slos } from '../../harness/scenario/model.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import type { DrillMetrics } from './drill-metrics.js';
import type { DrillLabels, InfoLabels } from './labels.js';

/** One info series per scenario: the previous one goes when target, detector or decision change. */
export function recordScenarioInfo(metrics: DrillMetrics, labels: DrillLabels, info: InfoLabels): void {
  metrics.info.removePartition(labels);
  metrics.info.set({ ...labels, ...info }, 1);
}

/** `95` → `p95`, `99.9` → `p99.9`: the label values the latency series use. */
export function percentileLabel(percentile: number): string {
  return `p${percentile}`;
}

export function recordSlos(metrics: DrillMetrics, labels: DrillLabels, slos: Slos): void {
  metrics.sloAvailabilityRatio.set(labels, slos.availability);
  metrics.sloLatencyThresholdSeconds.removePartition(labels);
  for (const { percentile, threshold } of slos.latency)
    metrics.sloLatencyThresholdSeconds.set(
      { ...labels, percentile: percentileLabel(percentile) },
      threshold / 1000,
    );
}

// The record keeps the validated scenario as plain data (durations in ms, ratios in [0, 1]).
const recordedSlos = z.object({
  availability: z.number(),
  latency: z.array(z.object({ percentile: z.number(), threshold: z.number() })),
});

/** The SLOs the drill ran with, or undefined when the record's scenario does not hold them. */
export function slosFromRecord(record: RunRecord): Slos | undefined {
  const parsed = recordedSlos.safeParse(record.scenario.spec['slos']);
  return parsed.success ? parsed.data : undefined;
}
