/**
 * Keeps the drill metrics current while a drill runs, so Prometheus scraping the live /metrics
 * sees the phases as they happen: in_progress flips at the start and end, phase and event
 * timestamps appear as the events do, and everything else lands at runFinished.
 */
import type { DrillObserver, RunStartInfo } from '../../harness/runner/observer.js';
import type { TimelineEvent } from '../../harness/runner/timeline.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import type { DrillMetrics } from './drill-metrics.js';
import { drillLabelsFromStart, type DrillLabels } from './labels.js';
import { clearRunTimestamps, recordRunMetrics, recordTimelineEvent } from './record-run.js';

export interface PrometheusObserver extends DrillObserver {
  /** The last error an update raised (observers must not throw, so it is kept here). */
  lastError(): Error | undefined;
}

export function prometheusObserver(metrics: DrillMetrics): PrometheusObserver {
  let current: { labels: DrillLabels; toEpochMs: (monotonicMs: number) => number } | undefined;
  let lastError: Error | undefined;

  const guarded =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
      }
    };

  return {
    runStarted: guarded((info: RunStartInfo) => {
      const labels = drillLabelsFromStart(info);
      current = { labels, toEpochMs: (ms) => info.toEpochMs(ms) };
      metrics.ensureSeries(labels);
      clearRunTimestamps(metrics, labels);
      metrics.inProgress.set(labels, 1);
    }),
    event: guarded((event: TimelineEvent) => {
      if (!current) return;
      recordTimelineEvent(metrics, current.labels, event.type, event.phase, current.toEpochMs(event.atMs));
    }),
    runFinished: guarded((record: RunRecord) => {
      if (current) metrics.inProgress.set(current.labels, 0);
      current = undefined;
      recordRunMetrics(metrics, record);
    }),
    lastError: () => lastError,
  };
}
