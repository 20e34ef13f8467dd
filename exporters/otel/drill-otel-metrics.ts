/**
 * The drill measurements as OpenTelemetry metrics. Names follow OTel conventions (dotted namespace,
 * unit in `unit`); a Prometheus-compatible backend translates them to the same names the
 * prom-client registry uses (`rollback_drill.time_to_detect` + unit s → `rollback_drill_time_to_detect_seconds`).
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { MeasurementName, RunRecord } from '../../harness/store/run-record.js';
import { DURATION_BUCKETS_SECONDS } from '../prometheus/drill-metrics.js';
import { drillLabelsFromRecord } from '../prometheus/labels.js';
import { rollbackAttempted } from '../prometheus/record-run.js';

export const OTEL_METRIC_NAMES = {
  timeToDetectSeconds: 'rollback_drill.time_to_detect',
  timeToDecideSeconds: 'rollback_drill.time_to_decide',
  timeToRollbackSeconds: 'rollback_drill.time_to_rollback',
  timeToRecoverSeconds: 'rollback_drill.time_to_recover',
  runs: 'rollback_drill.runs',
  rollbacks: 'rollback_drill.rollbacks',
} as const satisfies Record<MeasurementName | 'runs' | 'rollbacks', string>;

export class DrillOtelMetrics {
  private readonly histograms: [MeasurementName, Histogram][];
  private readonly runs: Counter;
  private readonly rollbacks: Counter;

  constructor(meter: Meter) {
    const histogram = (name: MeasurementName, description: string): [MeasurementName, Histogram] => [
      name,
      meter.createHistogram(OTEL_METRIC_NAMES[name], {
        description,
        unit: 's',
        advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
      }),
    ];
    this.histograms = [
      histogram('timeToDetectSeconds', 'Time from the fault taking effect to its detection.'),
      histogram('timeToDecideSeconds', 'Time from detection to the decision to roll back.'),
      histogram('timeToRollbackSeconds', 'Time from the decision to the stable version serving and healthy.'),
      histogram(
        'timeToRecoverSeconds',
        'Time from the fault taking effect to the SLIs holding inside the SLO.',
      ),
    ];
    this.runs = meter.createCounter(OTEL_METRIC_NAMES.runs, {
      description: 'Drills finished, by result.',
      unit: '{run}',
    });
    this.rollbacks = meter.createCounter(OTEL_METRIC_NAMES.rollbacks, {
      description: 'Rollbacks attempted by drills, by outcome.',
      unit: '{rollback}',
    });
  }

  record(record: RunRecord): void {
    // Same attribute names as the Prometheus labels, so queries translate one to one.
    const attributes: Attributes = { ...drillLabelsFromRecord(record) };
    for (const [name, histogram] of this.histograms) {
      const value = record.measurements[name];
      if (value !== null) histogram.record(value, attributes);
    }
    this.runs.add(1, { ...attributes, result: record.result });
    if (rollbackAttempted(record))
      this.rollbacks.add(1, {
        ...attributes,
        outcome: record.measurements.rollbackSucceeded ? 'succeeded' : 'failed',
      });
  }
}
