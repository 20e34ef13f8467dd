/**
 * Reads k6's end-of-test summary in any of the shapes it comes in, into one normalized form:
 *
 * - `handleSummary(data)`: `metrics.<name>.values` and `thresholds: {expr: {ok}}`;
 * - `--summary-export`: each metric flattened to its values (a rate's `rate` renamed `value`) and
 *   `thresholds: {expr: <true when FAILED>}`;
 * - the newer opt-in machine-readable summary (top-level `version` and `results`): metrics under
 *   `results.metrics`, as an object or a list, thresholds with them or under `results.thresholds`.
 *   Its exact schema was not checked against a k6 binary here, so this reader accepts both forms.
 *
 * For `http_req_failed` (a rate), `passes` counts the requests that FAILED (value 1).
 */

export type K6SummaryFormat = 'handleSummary' | 'summary-export' | 'machine-readable';

export interface K6ThresholdResult {
  readonly metric: string;
  readonly expression: string;
  readonly ok: boolean;
}

export interface K6Summary {
  readonly format: K6SummaryFormat;
  /** Metric name → its values (count, rate, avg, p(95), passes, …). */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly thresholds: readonly K6ThresholdResult[];
  readonly testRunDurationMs?: number;
}

/** What a drill keeps from a summary. */
export interface K6DrillSummary {
  readonly requests?: number;
  readonly failedRequests?: number;
  readonly failedRatio?: number;
  readonly latencyP95Ms?: number;
  readonly droppedIterations?: number;
  readonly thresholdsCrossed: readonly string[];
}

type Json = Record<string, unknown>;

/** Undefined when the document is none of the known shapes. */
export function parseK6Summary(document: unknown): K6Summary | undefined {
  if (!isRecord(document)) return undefined;
  if ('version' in document && isRecord(document.results)) return machineReadable(document.results);
  if (!isRecord(document.metrics)) return undefined;
  const entries = Object.entries(document.metrics).filter((entry): entry is [string, Json] =>
    isRecord(entry[1]),
  );
  const duration = isRecord(document.state) ? numberOr(document.state.testRunDurationMs) : undefined;
  const withDuration = duration === undefined ? {} : { testRunDurationMs: duration };
  if (entries.some(([, metric]) => isRecord(metric.values))) {
    return {
      format: 'handleSummary',
      metrics: Object.fromEntries(entries.map(([name, metric]) => [name, numbers(metric.values)])),
      thresholds: entries.flatMap(([name, metric]) => okThresholds(name, metric.thresholds)),
      ...withDuration,
    };
  }
  return {
    format: 'summary-export',
    metrics: Object.fromEntries(entries.map(([name, metric]) => [name, flattenedValues(metric)])),
    thresholds: entries.flatMap(([name, metric]) =>
      isRecord(metric.thresholds)
        ? Object.entries(metric.thresholds)
            .filter((entry): entry is [string, boolean] => typeof entry[1] === 'boolean')
            .map(([expression, failed]) => ({ metric: name, expression, ok: !failed }))
        : [],
    ),
    ...withDuration,
  };
}

export function drillSummary(summary: K6Summary): K6DrillSummary {
  const reqs = summary.metrics.http_reqs;
  const failed = summary.metrics.http_req_failed;
  const duration = summary.metrics.http_req_duration;
  const dropped = summary.metrics.dropped_iterations;
  const pick = (value: number | undefined, key: string): Record<string, number> =>
    value === undefined ? {} : { [key]: value };
  return {
    ...pick(reqs?.count, 'requests'),
    ...pick(failed?.passes, 'failedRequests'),
    ...pick(failed?.rate, 'failedRatio'),
    ...pick(duration?.['p(95)'], 'latencyP95Ms'),
    ...pick(dropped?.count, 'droppedIterations'),
    thresholdsCrossed: summary.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`),
  };
}

/** "k6 summary: 3000 requests, 50 failed (1.67%), p95 351.7 ms; thresholds crossed: …" */
export function describeDrillSummary(summary: K6DrillSummary): string {
  const parts: string[] = [];
  if (summary.requests !== undefined) parts.push(`${summary.requests} requests`);
  if (summary.failedRequests !== undefined) {
    const ratio = summary.failedRatio === undefined ? '' : ` (${(summary.failedRatio * 100).toFixed(2)}%)`;
    parts.push(`${summary.failedRequests} failed${ratio}`);
  }
  if (summary.latencyP95Ms !== undefined) parts.push(`p95 ${summary.latencyP95Ms.toFixed(1)} ms`);
  if (summary.droppedIterations) parts.push(`${summary.droppedIterations} iterations dropped (too few VUs)`);
  const crossed = summary.thresholdsCrossed.length
    ? `; thresholds crossed: ${summary.thresholdsCrossed.join(', ')}`
    : '; all thresholds held';
  return `k6 summary: ${parts.join(', ') || 'no HTTP metrics'}${crossed}`;
}

function machineReadable(results: Json): K6Summary {
  const metrics: Record<string, Record<string, number>> = {};
  const thresholds: K6ThresholdResult[] = [];
  const addMetric = (name: string, metric: Json): void => {
    metrics[name] = isRecord(metric.values) ? numbers(metric.values) : flattenedValues(metric);
    thresholds.push(...okThresholds(name, metric.thresholds));
  };
  if (Array.isArray(results.metrics)) {
    for (const metric of results.metrics)
      if (isRecord(metric) && typeof metric.name === 'string') addMetric(metric.name, metric);
  } else if (isRecord(results.metrics)) {
    for (const [name, metric] of Object.entries(results.metrics))
      if (isRecord(metric)) addMetric(name, metric);
  }
  // Thresholds may also be listed on their own, per metric.
  const listed = results.thresholds;
  if (Array.isArray(listed)) {
    for (const entry of listed) {
      if (!isRecord(entry)) continue;
      const name =
        typeof entry.metric === 'string'
          ? entry.metric
          : isRecord(entry.metric) && typeof entry.metric.name === 'string'
            ? entry.metric.name
            : undefined;
      if (name) thresholds.push(...okThresholds(name, entry.thresholds ?? entry));
    }
  } else if (isRecord(listed)) {
    for (const [name, entry] of Object.entries(listed)) thresholds.push(...okThresholds(name, entry));
  }
  const unique = new Map(thresholds.map((t) => [`${t.metric}\n${t.expression}`, t]));
  return { format: 'machine-readable', metrics, thresholds: [...unique.values()] };
}

/** `{expr: {ok}}`, `[{source|expression|threshold, ok}]`, or one `{source, ok}`. */
function okThresholds(metric: string, value: unknown): K6ThresholdResult[] {
  if (Array.isArray(value)) return value.flatMap((item) => okThresholds(metric, item));
  if (!isRecord(value)) return [];
  const expression = [value.source, value.expression, value.threshold].find((v) => typeof v === 'string');
  if (typeof expression === 'string' && typeof value.ok === 'boolean')
    return [{ metric, expression, ok: value.ok }];
  return Object.entries(value)
    .filter((entry): entry is [string, Json] => isRecord(entry[1]) && typeof entry[1].ok === 'boolean')
    .map(([expr, result]) => ({ metric, expression: expr, ok: result.ok === true }));
}

/** A --summary-export metric: its values at the top, a rate's `rate` called `value`. */
function flattenedValues(metric: Json): Record<string, number> {
  const values = numbers(metric);
  const looksLikeRate = 'passes' in values && 'fails' in values && 'value' in values && !('rate' in values);
  if (looksLikeRate) values.rate = values.value as number;
  return values;
}

function numbers(value: unknown): Record<string, number> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
    ),
  );
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
