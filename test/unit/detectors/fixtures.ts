/** Synthetic SLI samples, outcomes and a FakeClock-driven DetectorContext for detector tests. */
import { FakeClock } from '../../../harness/core/fake-clock.js';
import type { DetectorContext } from '../../../harness/detectors/port.js';
import type { WindowSli } from '../../../harness/measure/windows.js';
import {
  encodeHistogram,
  newLatencyHistogram,
  recordLatencyMs,
} from '../../../harness/measure/latency-histogram.js';
import type { Slos } from '../../../harness/scenario/model.js';
import type { RequestOutcome, SliSample, TrafficListener } from '../../../harness/traffic/sli.js';

export interface SampleSpec {
  readonly requests: number;
  readonly errors?: number;
  /** Every request of the sample takes this long (ms); omitted = no latency histogram. */
  readonly latencyMs?: number;
  /** Or: this many requests take `slowMs`, the rest `latencyMs`. */
  readonly slow?: number;
  readonly slowMs?: number;
}

export function sliSample(startMs: number, spec: SampleSpec): SliSample {
  const errors = spec.errors ?? 0;
  let latencyHistogram: string | null = null;
  if (spec.latencyMs !== undefined && spec.requests > 0) {
    const histogram = newLatencyHistogram();
    const slow = spec.slow ?? 0;
    for (let i = 0; i < spec.requests; i++)
      recordLatencyMs(histogram, i < slow ? (spec.slowMs ?? spec.latencyMs) : spec.latencyMs);
    latencyHistogram = encodeHistogram(histogram);
    histogram.destroy();
  }
  return {
    startMs,
    durationMs: 1000,
    requests: spec.requests,
    errors,
    dropped: 0,
    errorsByClass: errors > 0 ? { http_5xx: errors } : {},
    latencyMs: null,
    latencyHistogram,
  };
}

export function outcome(
  completedAtMs: number,
  options: { error?: boolean; latencyMs?: number } = {},
): RequestOutcome {
  const latencyMs = options.latencyMs ?? 20;
  return {
    scheduledAtMs: completedAtMs - latencyMs,
    completedAtMs,
    latencyMs,
    status: options.error ? 503 : 200,
    ...(options.error ? { errorClass: 'http_5xx' as const } : {}),
    endpoint: 'GET /',
  };
}

export function baselineSli(overrides: Partial<WindowSli> = {}): WindowSli {
  return {
    startMs: -10_000,
    endMs: 0,
    requests: 1000,
    errors: 2,
    dropped: 0,
    availability: 0.998,
    errorRatio: 0.002,
    latencyMs: { p50: 20, p90: 30, p95: 40, p99: 60, max: 90 },
    ...overrides,
  };
}

export const SLOS: Slos = { availability: 0.995, latency: [] };

/** A context whose traffic the test pushes by hand; counts live subscriptions. */
export class TestContext implements DetectorContext {
  readonly clock = new FakeClock();
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  readonly logs: string[] = [];
  private readonly listeners = new Set<TrafficListener>();

  constructor(
    readonly slos: Slos = SLOS,
    readonly baseline: WindowSli = baselineSli(),
  ) {}

  log(message: string): void {
    this.logs.push(message);
  }

  subscribe(listener: TrafficListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  emitSample(sample: SliSample): void {
    for (const listener of [...this.listeners]) listener.sample?.(sample);
  }

  emitOutcome(value: RequestOutcome): void {
    for (const listener of [...this.listeners]) listener.outcome?.(value);
  }
}

/** Tracks a watch promise so tests can ask "has it settled yet?" after flushing microtasks. */
export function track<T>(promise: Promise<T>): {
  readonly settled: () => boolean;
  readonly promise: Promise<T>;
} {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled, promise };
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}
