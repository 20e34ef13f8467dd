/**
 * Turns k6 points into the drill's per-request outcomes and per-second SliSamples, the same shapes
 * the builtin generator emits. Pure: time comes in as arguments.
 *
 * - One request = one `http_req_duration` point (its latency) and one `http_req_failed` point (its
 *   verdict); k6 writes both with the same time and tags, so they are paired on those. A duration
 *   alone is judged from its tags (`expected_response`, else the status); a verdict alone counts a
 *   request without a latency.
 * - `dropped_iterations` (too few VUs for the arrival rate) are the samples' `dropped`.
 * - k6 writes points in batches, so a second is emitted only once `latenessMs` has passed after it
 *   ended; a point later still is counted in the oldest second not yet emitted, never lost.
 */
import {
  encodeHistogram,
  newLatencyHistogram,
  recordLatencyMs,
  summarizeLatency,
  type LatencyHistogram,
} from '../measure/latency-histogram.js';
import type { K6OutputLine } from './k6-output.js';
import type { ErrorClass, RequestOutcome, SliSample } from './sli.js';

export const K6_LATENESS_MS = 2_000;

export interface K6SampleOptions {
  /** Monotonic ms of the first interval's start. */
  readonly startMs: number;
  /** Maps a point's wall-clock epoch ms onto the drill's monotonic clock. */
  readonly toMonotonicMs: (epochMs: number) => number;
  readonly emitSample: (sample: SliSample) => void;
  readonly emitOutcome?: (outcome: RequestOutcome) => void;
  readonly latenessMs?: number;
  readonly intervalMs?: number;
}

type Point = Extract<K6OutputLine, { kind: 'point' }>;

interface Pending {
  readonly atMs: number;
  duration?: Point;
  failed?: Point;
}

interface Bucket {
  requests: number;
  errors: number;
  dropped: number;
  errorsByClass: Partial<Record<ErrorClass, number>>;
  histogram: LatencyHistogram;
}

/** k6 error codes (lib/netext/httpext/error_codes.go) that the SLIs tell apart. */
const CLASS_BY_ERROR_CODE: Readonly<Record<string, ErrorClass>> = {
  '1050': 'timeout', // request timeout
  '1211': 'timeout', // dial timeout
  '1212': 'connection_refused',
  '1201': 'connection_reset', // broken pipe
  '1220': 'connection_reset', // reset by peer
};

export function classifyK6Failure(tags: Readonly<Record<string, string>>): ErrorClass {
  const status = Number(tags.status ?? '0');
  if (status >= 500) return 'http_5xx';
  return CLASS_BY_ERROR_CODE[tags.error_code ?? ''] ?? 'other';
}

export class K6SampleBuilder {
  private readonly intervalMs: number;
  private readonly latenessMs: number;
  private readonly buckets = new Map<number, Bucket>();
  private readonly pending = new Map<string, Pending[]>();
  private nextIndex = 0;
  private done = false;
  /** Points read, by metric, for the run's description. */
  readonly pointsByMetric = new Map<string, number>();

  constructor(private readonly options: K6SampleOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.latenessMs = options.latenessMs ?? K6_LATENESS_MS;
  }

  add(line: K6OutputLine): void {
    if (this.done || line.kind !== 'point') return;
    this.pointsByMetric.set(line.metric, (this.pointsByMetric.get(line.metric) ?? 0) + 1);
    const atMs = this.options.toMonotonicMs(line.epochMs);
    if (line.metric === 'dropped_iterations') {
      this.bucketAt(atMs).dropped += Math.max(0, Math.round(line.value));
      return;
    }
    if (line.metric !== 'http_req_duration' && line.metric !== 'http_req_failed') return;
    const key = pairKey(line);
    const queue = this.pending.get(key) ?? [];
    const slot: keyof Pending = line.metric === 'http_req_duration' ? 'duration' : 'failed';
    const partner = queue.find((p) => p[slot] === undefined);
    if (partner) partner[slot] = line;
    else queue.push({ atMs, [slot]: line });
    this.pending.set(key, queue);
  }

  /** Emits every second that ended at least `latenessMs` before `nowMs`. */
  advance(nowMs: number): void {
    this.settle(nowMs - this.latenessMs);
  }

  /** Emits everything held, then stops; later calls do nothing. */
  finish(): void {
    if (this.done) return;
    this.settle(Number.POSITIVE_INFINITY);
    this.done = true;
  }

  private settle(untilMs: number): void {
    // Requests whose partner had time to arrive become outcomes.
    for (const [key, queue] of this.pending) {
      const remaining = queue.filter((p) => {
        if (p.atMs > untilMs) return true;
        this.record(p);
        return false;
      });
      if (remaining.length > 0) this.pending.set(key, remaining);
      else this.pending.delete(key);
    }
    const lastIndex = Number.isFinite(untilMs)
      ? Math.floor((untilMs - this.options.startMs) / this.intervalMs) - 1
      : Math.max(this.nextIndex - 1, ...this.buckets.keys());
    while (this.nextIndex <= lastIndex) {
      const index = this.nextIndex;
      this.nextIndex += 1;
      this.emit(index);
    }
  }

  private record(request: Pending): void {
    const tags = request.duration?.tags ?? request.failed?.tags ?? {};
    const failed =
      request.failed !== undefined
        ? request.failed.value >= 1
        : tags.expected_response !== undefined
          ? tags.expected_response === 'false'
          : Number(tags.status ?? '0') === 0 || Number(tags.status) >= 500;
    const bucket = this.bucketAt(request.atMs);
    bucket.requests += 1;
    const errorClass = failed ? classifyK6Failure(tags) : undefined;
    if (errorClass) {
      bucket.errors += 1;
      bucket.errorsByClass[errorClass] = (bucket.errorsByClass[errorClass] ?? 0) + 1;
    }
    const latencyMs = request.duration?.value;
    if (latencyMs !== undefined) recordLatencyMs(bucket.histogram, Math.max(0, latencyMs));
    const status = Number(tags.status ?? '0');
    this.options.emitOutcome?.({
      scheduledAtMs: request.atMs - (latencyMs ?? 0),
      completedAtMs: request.atMs,
      latencyMs: latencyMs ?? 0,
      ...(status > 0 ? { status } : {}),
      ...(errorClass ? { errorClass } : {}),
      endpoint: endpointOf(tags),
    });
  }

  /** The bucket of the second `atMs` falls in; late points go to the oldest second not yet emitted. */
  private bucketAt(atMs: number): Bucket {
    const index = Math.max(this.nextIndex, Math.floor((atMs - this.options.startMs) / this.intervalMs));
    let bucket = this.buckets.get(index);
    if (!bucket) {
      bucket = { requests: 0, errors: 0, dropped: 0, errorsByClass: {}, histogram: newLatencyHistogram() };
      this.buckets.set(index, bucket);
    }
    return bucket;
  }

  private emit(index: number): void {
    const bucket = this.buckets.get(index);
    this.buckets.delete(index);
    const hasLatency = bucket !== undefined && bucket.histogram.totalCount > 0;
    const sample: SliSample = {
      startMs: this.options.startMs + index * this.intervalMs,
      durationMs: this.intervalMs,
      requests: bucket?.requests ?? 0,
      errors: bucket?.errors ?? 0,
      dropped: bucket?.dropped ?? 0,
      errorsByClass: bucket?.errorsByClass ?? {},
      latencyMs: hasLatency ? summarizeLatency(bucket.histogram) : null,
      latencyHistogram: hasLatency ? encodeHistogram(bucket.histogram) : null,
    };
    bucket?.histogram.destroy();
    this.options.emitSample(sample);
  }
}

/** The two points of one request share their time and tags. */
function pairKey(point: Point): string {
  const { status = '', method = '', name = '', url = '' } = point.tags;
  return `${point.epochMs}|${method}|${name || url}|${status}`;
}

/** "GET /api/products": our scripts name requests so; other scripts' names are URLs. */
function endpointOf(tags: Readonly<Record<string, string>>): string {
  const method = tags.method ?? '?';
  const name = tags.name ?? tags.url ?? '?';
  return name.startsWith(`${method} `) ? name : `${method} ${name}`;
}
