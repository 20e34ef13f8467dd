/**
 * Wraps the OTLP exporters to count what was really delivered, so run.json can say "trace
 * exported" or exactly what was not, instead of trusting a flush that swallows export errors.
 */
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';

// ExportResultCode.SUCCESS / FAILED of @opentelemetry/core, which is not a direct dependency.
const EXPORT_SUCCESS = 0;
const EXPORT_FAILED = 1;

type ExportCallback = Parameters<SpanExporter['export']>[1];

export class ExportLedger {
  /**
   * Set after a failed drill export when shutting down: further exports fail at once instead of
   * starting new retry timers that would keep the process alive for another export timeout.
   */
  closed = false;
  spansExported = 0;
  spansFailed = 0;
  metricExportsSucceeded = 0;
  metricExportsFailed = 0;
  private readonly errors: string[] = [];

  noteError(error: unknown): void {
    const text = error instanceof Error ? error.message : String(error ?? 'unknown export error');
    if (!this.errors.includes(text)) this.errors.push(text);
    if (this.errors.length > 5) this.errors.shift();
  }

  /** Distinct export errors seen, oldest first (at most five). */
  errorMessages(): readonly string[] {
    return this.errors;
  }

  snapshot(): {
    spansExported: number;
    spansFailed: number;
    metricExportsSucceeded: number;
    metricExportsFailed: number;
  } {
    return {
      spansExported: this.spansExported,
      spansFailed: this.spansFailed,
      metricExportsSucceeded: this.metricExportsSucceeded,
      metricExportsFailed: this.metricExportsFailed,
    };
  }
}

export function recordingSpanExporter(inner: SpanExporter, ledger: ExportLedger): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: ExportCallback) {
      if (ledger.closed) {
        ledger.spansFailed += spans.length;
        done({ code: EXPORT_FAILED, error: new Error('not sent: the endpoint failed earlier') });
        return;
      }
      inner.export(spans, (result) => {
        if (result.code === EXPORT_SUCCESS) ledger.spansExported += spans.length;
        else {
          ledger.spansFailed += spans.length;
          ledger.noteError(result.error ?? 'span export failed');
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

export function recordingMetricExporter(inner: PushMetricExporter, ledger: ExportLedger): PushMetricExporter {
  return {
    export(metrics: ResourceMetrics, done) {
      if (ledger.closed) {
        ledger.metricExportsFailed += 1;
        done({ code: EXPORT_FAILED, error: new Error('not sent: the endpoint failed earlier') });
        return;
      }
      inner.export(metrics, (result) => {
        if (result.code === EXPORT_SUCCESS) ledger.metricExportsSucceeded += 1;
        else {
          ledger.metricExportsFailed += 1;
          ledger.noteError(result.error ?? 'metric export failed');
        }
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    ...(inner.selectAggregationTemporality
      ? { selectAggregationTemporality: inner.selectAggregationTemporality.bind(inner) }
      : {}),
    ...(inner.selectAggregation ? { selectAggregation: inner.selectAggregation.bind(inner) } : {}),
  };
}
