/**
 * Everything a drill exports, wired from CLI flags: live /metrics, the Pushgateway push and
 * OpenTelemetry. The runner only sees `observers`; the CLI calls start() before the drill,
 * shutdown() on every exit path, and prints summary().
 */
import { SystemClock, type Clock } from '../harness/core/clock.js';
import { UserError } from '../harness/core/errors.js';
import type { DrillObserver } from '../harness/runner/observer.js';
import { otelRequestedByEnv } from './otel/config.js';
import { createOtelObserver, type OtelObserver, type OtelObserverOptions } from './otel/observer.js';
import { createDrillMetrics, type DrillMetrics } from './prometheus/drill-metrics.js';
import { startMetricsServer, type MetricsServer } from './prometheus/metrics-server.js';
import { prometheusObserver } from './prometheus/observer.js';
import { pushgatewayObserver, type PushgatewayObserver } from './pushgateway/observer.js';
import type { PushOptions } from './pushgateway/push.js';
import { redactUrl } from './pushgateway/grouping.js';

export { createDrillMetrics, type DrillMetrics } from './prometheus/drill-metrics.js';
export { prometheusObserver } from './prometheus/observer.js';
export { recordRunMetrics } from './prometheus/record-run.js';
export { startMetricsServer, type MetricsServer } from './prometheus/metrics-server.js';
export { pushRunMetrics, type PushOptions, type PushResult } from './pushgateway/push.js';
export { pushgatewayObserver } from './pushgateway/observer.js';
export { createOtelObserver, type OtelObserver, type OtelObserverOptions } from './otel/observer.js';

export interface ExportersOptions {
  /** Serve /metrics on this port while the drill runs (0 = any free port). */
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  /**
   * Keep /metrics up this long after the drill before shutdown() closes it, so Prometheus scrapes
   * the final values (use ≥ 2 scrape intervals). Default 0.
   */
  readonly metricsLingerMs?: number;
  /** Reuse a registry (the serve daemon); a fresh one otherwise. */
  readonly metrics?: DrillMetrics;
  readonly pushgatewayUrl?: string;
  readonly pushgateway?: Omit<PushOptions, 'url' | 'clock'>;
  /** false: off; an object: on; undefined: on when OTEL_EXPORTER_OTLP_*ENDPOINT is set. */
  readonly otel?: OtelObserverOptions | false;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
}

export interface Exporters {
  readonly observers: DrillObserver[];
  readonly metrics: DrillMetrics;
  /** The live /metrics URL once start() has run. */
  metricsUrl(): string | undefined;
  /** Starts the /metrics server; throws UserError when the port cannot be used. */
  start(): Promise<void>;
  /**
   * Lingers (cut short when `stopLingering` aborts), closes the server, flushes OpenTelemetry.
   * Idempotent, never throws.
   */
  shutdown(stopLingering?: AbortSignal): Promise<void>;
  /** One line per exporter, e.g. "metrics: pushed to http://… (2 attempts)". */
  summary(): string[];
}

export function createExporters(options: ExportersOptions = {}): Exporters {
  const clock = options.clock ?? new SystemClock();
  const env = options.env ?? process.env;
  const metrics = options.metrics ?? createDrillMetrics();
  const observers: DrillObserver[] = [];
  const serveMetrics = options.metricsPort !== undefined;
  if (serveMetrics || options.metrics) observers.push(prometheusObserver(metrics));

  let pushgateway: PushgatewayObserver | undefined;
  if (options.pushgatewayUrl) {
    pushgateway = pushgatewayObserver({ ...options.pushgateway, url: options.pushgatewayUrl, clock });
    observers.push(pushgateway);
  }

  let otel: OtelObserver | undefined;
  if (options.otel !== false && (options.otel !== undefined || otelRequestedByEnv(env))) {
    otel = createOtelObserver({ env, clock, ...(options.otel ?? {}) });
    observers.push(otel);
  }

  let server: MetricsServer | undefined;
  let stopping: Promise<void> | undefined;

  return {
    observers,
    metrics,
    metricsUrl: () => server?.url,
    async start() {
      if (!serveMetrics || server) return;
      const host = options.metricsHost ?? '127.0.0.1';
      try {
        server = await startMetricsServer({
          port: options.metricsPort ?? 0,
          host,
          registry: metrics.registry,
        });
      } catch (error) {
        const code = (error as { code?: string }).code;
        const why =
          code === 'EADDRINUSE'
            ? 'the port is in use'
            : error instanceof Error
              ? error.message
              : String(error);
        throw new UserError(`cannot serve /metrics on ${host}:${options.metricsPort}: ${why}`);
      }
    },
    shutdown(stopLingering) {
      stopping ??= (async () => {
        const linger = options.metricsLingerMs ?? 0;
        if (server && linger > 0) await clock.sleep(linger, stopLingering).catch(() => undefined);
        await Promise.allSettled([server?.close(), otel?.shutdown()]);
      })();
      return stopping;
    },
    summary() {
      const lines: string[] = [];
      if (server) lines.push(`metrics: served at ${server.url}`);
      if (pushgateway && options.pushgatewayUrl) lines.push(pushSummary(pushgateway, options.pushgatewayUrl));
      if (otel) lines.push(otelSummary(otel));
      return lines;
    },
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function pushSummary(observer: PushgatewayObserver, url: string): string {
  const result = observer.lastResult();
  if (!result) return `metrics: not pushed to ${redactUrl(url)} (the drill did not finish)`;
  if (result.ok)
    return `metrics: pushed to ${result.url} (${plural(result.attempts, 'attempt')})${result.notes.length ? `; note: ${result.notes.join('; ')}` : ''}`;
  return `metrics: NOT pushed to ${result.url} after ${plural(result.attempts, 'attempt')}: ${result.error ?? 'unknown error'}`;
}

function otelSummary(observer: OtelObserver): string {
  const result = observer.lastExport();
  if (!result) return `traces: nothing exported to ${observer.endpoint} (the drill did not finish)`;
  const trace = result.traceId ? `trace ${result.traceId}` : 'no trace';
  if (result.ok)
    return `traces: exported ${trace} to ${result.endpoint} (${plural(result.spansExported, 'span')}${result.metricsExported ? ', and the metrics' : ''})`;
  return `traces: ${trace} NOT fully exported to ${result.endpoint}: ${result.error ?? 'unknown error'}`;
}
