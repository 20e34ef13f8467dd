/**
 * Pushes one drill's metrics to a Pushgateway at the end of the run: read the group's running
 * totals, add this run, PUT the group (Prometheus text format; the 1.x gateway stores OpenMetrics
 * counters as untyped). Retries with backoff, never throws, never changes the drill's result.
 */
import { Registry } from 'prom-client';
import { SystemClock, type Clock } from '../../harness/core/clock.js';
import type { RunRecord } from '../../harness/store/run-record.js';
import { createDrillMetrics, METRIC_PREFIX } from '../prometheus/drill-metrics.js';
import { recordRunMetrics } from '../prometheus/record-run.js';
import {
  renderTextFormat,
  snapshotRegistry,
  TEXT_FORMAT_CONTENT_TYPE,
  type MetricFamily,
} from '../prometheus/text-format.js';
import { carryForward } from './carry-forward.js';
import {
  DEFAULT_JOB,
  groupingFromRecord,
  groupUrl,
  redactUrl,
  splitCredentials,
  type Grouping,
} from './grouping.js';
import { readPreviousGroup } from './previous-group.js';

export interface PushOptions {
  /** The gateway's base URL, e.g. http://pushgateway:9091 (credentials allowed; never reported). */
  readonly url: string;
  readonly job?: string;
  /** Per attempt (reading the group's totals and the PUT together). */
  readonly timeoutMs?: number;
  /** Extra attempts after the first one fails. */
  readonly retries?: number;
  /** First backoff; doubles per retry up to 8x. */
  readonly backoffMs?: number;
  readonly clock?: Clock;
}

export interface PushResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** The group URL, credentials redacted. */
  readonly url: string;
  readonly grouping: Grouping;
  readonly error?: string;
  /** Totals that could not be carried forward; the push itself still happened. */
  readonly notes: string[];
}

/**
 * Worst case with a gateway that accepts connections and never answers: 4 attempts × 3 s + 0.5 +
 * 1 + 2 s of backoff = 15.5 s, inside the runner's 20 s bound on runFinished.
 */
export const PUSH_DEFAULTS = { timeoutMs: 3_000, retries: 3, backoffMs: 500 } as const;

/** The last-success timestamp survives a failed run's push instead of vanishing from the group. */
const KEEP_GAUGES = [`${METRIC_PREFIX}last_success_timestamp_seconds`];

/** Backoff before retry n (1-based): base, 2×, 4×, 8× — deterministic, no jitter. */
export function backoffDelayMs(retry: number, baseMs: number): number {
  return baseMs * 2 ** Math.min(Math.max(retry - 1, 0), 3);
}

class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export async function pushRunMetrics(record: RunRecord, options: PushOptions): Promise<PushResult> {
  const timeoutMs = options.timeoutMs ?? PUSH_DEFAULTS.timeoutMs;
  const retries = Math.max(0, options.retries ?? PUSH_DEFAULTS.retries);
  const backoffMs = options.backoffMs ?? PUSH_DEFAULTS.backoffMs;
  const clock = options.clock ?? new SystemClock();
  const grouping = groupingFromRecord(record, options.job ?? DEFAULT_JOB);
  let gateway: { url: string; headers: Record<string, string> };
  try {
    gateway = splitCredentials(options.url);
  } catch {
    return {
      ok: false,
      attempts: 0,
      url: redactUrl(options.url),
      grouping,
      error: 'invalid Pushgateway URL',
      notes: [],
    };
  }
  const reported = redactUrl(groupUrl(options.url, grouping));

  let runFamilies: MetricFamily[];
  try {
    const metrics = createDrillMetrics(new Registry());
    recordRunMetrics(metrics, record);
    runFamilies = await snapshotRegistry(metrics.registry);
  } catch (error) {
    return {
      ok: false,
      attempts: 0,
      url: reported,
      grouping,
      error: `building metrics failed: ${describe(error)}`,
      notes: [],
    };
  }

  let lastError = '';
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await clock.sleep(backoffDelayMs(attempt - 1, backoffMs));
    try {
      const notes = await pushOnce(gateway, grouping, runFamilies, timeoutMs);
      return { ok: true, attempts: attempt, url: reported, grouping, notes };
    } catch (error) {
      lastError = describe(error);
      if (error instanceof AttemptError && !error.retryable)
        return { ok: false, attempts: attempt, url: reported, grouping, error: lastError, notes: [] };
    }
  }
  return { ok: false, attempts: retries + 1, url: reported, grouping, error: lastError, notes: [] };
}

async function pushOnce(
  gateway: { url: string; headers: Record<string, string> },
  grouping: Grouping,
  runFamilies: MetricFamily[],
  timeoutMs: number,
): Promise<string[]> {
  const notes: string[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  const previous = await readPreviousGroup(gateway.url, gateway.headers, grouping, signal);
  let families = runFamilies;
  if (previous.status === 'found') {
    const carried = carryForward(runFamilies, previous.families, KEEP_GAUGES);
    families = carried.families;
    notes.push(...carried.notes);
  } else if (previous.status === 'unreadable') {
    notes.push(`previous totals not read (${previous.reason}); counters restart from this run`);
  }
  const response = await fetch(groupUrl(gateway.url, grouping), {
    method: 'PUT',
    headers: { ...gateway.headers, 'content-type': TEXT_FORMAT_CONTENT_TYPE },
    body: renderTextFormat(families),
    signal,
  });
  if (response.ok) {
    await response.body?.cancel();
    return notes;
  }
  const body = (await response.text()).trim().slice(0, 300);
  // 4xx (bad labels, wrong URL, auth) will not fix itself; 429 and 5xx might.
  const retryable = response.status === 429 || response.status >= 500;
  throw new AttemptError(`HTTP ${response.status}${body ? `: ${body}` : ''}`, retryable);
}

/** `fetch failed` hides the cause (ECONNREFUSED, timeout); say what actually happened. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `timed out (${error.message})`;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${error.message}: ${cause.message}`;
  return error.message;
}
