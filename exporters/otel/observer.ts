/**
 * The OpenTelemetry observer: a trace per drill and the drill metrics over OTLP/HTTP.
 *
 * It owns its providers instead of registering global ones (as NodeSDK.start() does): the harness
 * is also a library and a long-running daemon, several drills (and tests) share one process, and
 * the global API can only be set once. The components are the sdk-node 0.223 line's own
 * (sdk-trace-base, sdk-metrics, resources, OTLP exporters).
 */
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { SystemClock, type Clock } from '../../harness/core/clock.js';
import type { DrillObserver, RunStartInfo } from '../../harness/runner/observer.js';
import type { TimelineEvent } from '../../harness/runner/timeline.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import { redactUrl } from '../pushgateway/grouping.js';
import { resolveOtelConfig, type OtelEndpointOptions, type ResolvedOtelConfig } from './config.js';
import { DrillOtelMetrics } from './drill-otel-metrics.js';
import { DrillTrace } from './drill-trace.js';
import { ExportLedger, recordingMetricExporter, recordingSpanExporter } from './export-ledger.js';
import { createOtlpMetricExporter, createOtlpSpanExporter } from './otlp-exporters.js';

export const INSTRUMENTATION_SCOPE = 'rollback-drill';
const DEFAULT_SERVICE_NAME = 'rollback-drill';
const SHUTDOWN_AFTER_FAILURE_MS = 1_000;

export interface OtelObserverOptions extends OtelEndpointOptions {
  /** Replaces the OTLP span exporter (tests: InMemorySpanExporter; or any other backend). */
  readonly spanExporter?: SpanExporter;
  readonly metricExporter?: PushMetricExporter;
  /** The OTEL_* variables to honour; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
}

/** What run.json records under `exports.otel`. */
export interface OtelExportRecord {
  readonly traceId: string | null;
  readonly endpoint: string;
  readonly protocol: string;
  readonly ok: boolean;
  readonly spansExported: number;
  readonly spansExpected: number;
  readonly metricsExported: boolean;
  readonly error?: string;
}

export interface OtelObserver extends DrillObserver {
  /** Where traces go, credentials redacted (for the CLI's summary). */
  readonly endpoint: string;
  lastExport(): OtelExportRecord | undefined;
  /** Flushes and stops the providers; idempotent, never throws, bounded by the export timeout. */
  shutdown(): Promise<void>;
}

export function createOtelObserver(options: OtelObserverOptions = {}): OtelObserver {
  const env = options.env ?? process.env;
  const config = resolveOtelConfig(options, env);
  const clock = options.clock ?? new SystemClock();
  const ledger = new ExportLedger();
  const endpoint = options.spanExporter ? 'custom span exporter' : redactUrl(config.tracesUrl);
  const flushBoundMs = config.timeoutMs + 1_000;

  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: DEFAULT_SERVICE_NAME }))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(config.serviceName ? resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }) : null);

  const tracerProvider = config.tracesEnabled
    ? new BasicTracerProvider({
        resource,
        spanProcessors: [
          new BatchSpanProcessor(
            recordingSpanExporter(options.spanExporter ?? createOtlpSpanExporter(config), ledger),
            { exportTimeoutMillis: flushBoundMs },
          ),
        ],
      })
    : undefined;
  const meterProvider = config.metricsEnabled
    ? new MeterProvider({
        resource,
        readers: [
          new PeriodicExportingMetricReader({
            exporter: recordingMetricExporter(
              options.metricExporter ?? createOtlpMetricExporter(config),
              ledger,
            ),
            // Drills are minutes long: export on flush at the end of each run, and hourly for a daemon.
            exportIntervalMillis: 3_600_000,
            exportTimeoutMillis: flushBoundMs,
          }),
        ],
      })
    : undefined;
  const tracer = tracerProvider?.getTracer(INSTRUMENTATION_SCOPE);
  const drillMetrics = meterProvider
    ? new DrillOtelMetrics(meterProvider.getMeter(INSTRUMENTATION_SCOPE))
    : undefined;

  let current:
    | { trace: DrillTrace | undefined; spansExpected: number; before: ReturnType<ExportLedger['snapshot']> }
    | undefined;
  let last: OtelExportRecord | undefined;
  let shuttingDown: Promise<void> | undefined;

  const bounded = (work: Promise<unknown>, boundMs = flushBoundMs): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const cancel = clock.setTimer(() => resolve(false), boundMs);
      void work.then(
        () => (cancel(), resolve(true)),
        () => (cancel(), resolve(true)),
      );
    });

  return {
    endpoint,
    runStarted(info: RunStartInfo) {
      try {
        current = {
          trace: tracer ? new DrillTrace(tracer, info) : undefined,
          spansExpected: tracer ? 1 : 0,
          before: ledger.snapshot(),
        };
      } catch (error) {
        ledger.noteError(error);
      }
    },
    event(event: TimelineEvent) {
      if (!current?.trace) return;
      try {
        if (event.type === 'phase.started' && event.phase) current.spansExpected += 1;
        current.trace.event(event);
      } catch (error) {
        ledger.noteError(error);
      }
    },
    async runFinished(record: RunRecord) {
      const run = current;
      current = undefined;
      let traceId: string | null = null;
      const problems: string[] = [];
      try {
        if (run?.trace) traceId = run.trace.finish(record);
        else if (tracer) problems.push('the observer did not see the drill start, so no trace was built');
        drillMetrics?.record(record);
      } catch (error) {
        problems.push(`building telemetry failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      // If the runner stops waiting before the flush ends, run.json still links the trace and says so.
      record.exports['otel'] = {
        traceId,
        endpoint,
        protocol: config.tracesProtocol,
        ok: false,
        error: 'export still in progress when the record was written',
      };
      const flushed = await bounded(
        Promise.allSettled([tracerProvider?.forceFlush(), meterProvider?.forceFlush()]),
      );
      last = summarize(config, endpoint, ledger, run, traceId, flushed, flushBoundMs, problems);
      record.exports['otel'] = { ...last };
    },
    lastExport: () => last,
    shutdown() {
      shuttingDown ??= (() => {
        // After a failed export the endpoint is most likely still down: do not send again (that
        // would hold the CLI's exit for another full export timeout); the failure is in run.json.
        const failedBefore = last !== undefined && !last.ok;
        if (failedBefore) ledger.closed = true;
        return bounded(
          Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown()]),
          failedBefore ? Math.min(SHUTDOWN_AFTER_FAILURE_MS, flushBoundMs) : flushBoundMs,
        ).then(() => undefined);
      })();
      return shuttingDown;
    },
  };
}

function summarize(
  config: ResolvedOtelConfig,
  endpoint: string,
  ledger: ExportLedger,
  run: { spansExpected: number; before: ReturnType<ExportLedger['snapshot']> } | undefined,
  traceId: string | null,
  flushed: boolean,
  flushBoundMs: number,
  problems: string[],
): OtelExportRecord {
  const now = ledger.snapshot();
  const before = run?.before ?? now;
  const spansExported = now.spansExported - before.spansExported;
  const spansExpected = run?.spansExpected ?? 0;
  const metricsFailed = now.metricExportsFailed > before.metricExportsFailed;
  const metricsExported =
    config.metricsEnabled && !metricsFailed && now.metricExportsSucceeded > before.metricExportsSucceeded;
  const errors = [...problems];
  if (!flushed) errors.push(`export not confirmed within ${flushBoundMs} ms`);
  if (config.tracesEnabled && spansExported < spansExpected)
    errors.push(`${spansExpected - spansExported} of ${spansExpected} spans not exported to ${endpoint}`);
  if (config.metricsEnabled && !metricsExported)
    errors.push(`metrics not exported to ${redactUrl(config.metricsUrl)}`);
  if (errors.length && ledger.errorMessages().length)
    errors.push(`last error: ${ledger.errorMessages().at(-1)}`);
  return {
    traceId,
    endpoint,
    protocol: config.tracesProtocol,
    ok: errors.length === 0,
    spansExported,
    spansExpected,
    metricsExported,
    ...(errors.length ? { error: errors.join('; ') } : {}),
  };
}
