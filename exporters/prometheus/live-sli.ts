/**
 * The running drill's SLIs, one-second sample by one-second sample (the runner's `sample` hook), so
 * the on-call dashboard shows the fault and the recovery as they happen. They describe "now": they
 * are removed when the drill ends instead of holding the last second's values forever.
 */
import type { SliSample } from '../../harness/traffic/sli.js';
import { PERCENTILES, type DrillMetrics } from './drill-metrics.js';
import type { DrillLabels } from './labels.js';

const PERCENTILE_FIELD = { p50: 'p50', p95: 'p95', p99: 'p99' } as const;

export function recordLiveSample(metrics: DrillMetrics, labels: DrillLabels, sample: SliSample): void {
  const seconds = sample.durationMs / 1000;
  if (seconds > 0) metrics.liveRequestsPerSecond.set(labels, sample.requests / seconds);
  // No request completed: there is no error ratio or latency for that second, so none is shown.
  if (sample.requests > 0) metrics.liveErrorRatio.set(labels, sample.errors / sample.requests);
  else metrics.liveErrorRatio.remove(labels);
  for (const percentile of PERCENTILES) {
    const ms = sample.latencyMs?.[PERCENTILE_FIELD[percentile]];
    if (ms === undefined) metrics.liveLatencySeconds.remove({ ...labels, percentile });
    else metrics.liveLatencySeconds.set({ ...labels, percentile }, ms / 1000);
  }
}

export function clearLiveSlis(metrics: DrillMetrics, labels: DrillLabels): void {
  metrics.liveRequestsPerSecond.removePartition(labels);
  metrics.liveErrorRatio.removePartition(labels);
  metrics.liveLatencySeconds.removePartition(labels);
}
