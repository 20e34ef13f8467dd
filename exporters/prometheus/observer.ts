/**
 * Keeps the drill metrics current while a drill runs, so Prometheus scraping the live /metrics
 * sees the phases as they happen: in_progress flips at the start and end, the scenario's info and
 * SLOs appear at the start, phase and event timestamps as the events do, the live SLIs each
 * second, and everything else lands at runFinished (when the live SLIs go).
 */
import type { DrillObserver, RunStartInfo } from '../../harness/runner/observer.js';
import type { TimelineEvent } from '../../harness/runner/timeline.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import type { SliSample } from '../../harness/traffic/sli.js';
import type { DrillMetrics } from './drill-metrics.js';
import { drillLabelsFromStart, infoLabelsFromStart, type DrillLabels } from './labels.js';
import { clearLiveSlis, recordLiveSample } from './live-sli.js';
import { clearRunTimestamps, recordRunMetrics, recordTimelineEvent } from './record-run.js';
import { recordScenarioInfo, recordSlos } from './scenario-series.js';

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
      clearLiveSlis(metrics, labels);
      recordScenarioInfo(metrics, labels, infoLabelsFromStart(info));
      recordSlos(metrics, labels, info.scenario.slos);
      metrics.inProgress.set(labels, 1);
    }),
    event: guarded((event: TimelineEvent) => {
      if (!current) return;
      recordTimelineEvent(metrics, current.labels, event.type, event.phase, current.toEpochMs(event.atMs));
    }),
    sample: guarded((sample: SliSample) => {
      if (current) recordLiveSample(metrics, current.labels, sample);
    }),
    runFinished: guarded((record: RunRecord) => {
      if (current) {
        metrics.inProgress.set(current.labels, 0);
        clearLiveSlis(metrics, current.labels);
      }
      current = undefined;
      recordRunMetrics(metrics, record);
    }),
    lastError: () => lastError,
  };
}
