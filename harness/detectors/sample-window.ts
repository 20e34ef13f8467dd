/**
 * A sliding window over the per-second SLI samples a detector has seen, with running totals so any
 * sub-window (a burn-rate pair's long and short windows, an analysis's rate window) is summed in
 * O(log n) however long the window is. Membership follows measure/windows.ts: a sample is in
 * [fromMs, toMs) when its interval starts at or after fromMs and ends by toMs.
 */
import type { SliSample } from '../traffic/sli.js';
import type { WindowSli } from '../measure/windows.js';

export interface WindowTotals {
  readonly requests: number;
  readonly errors: number;
  /** Samples that contributed (0 = nothing observed in the window). */
  readonly samples: number;
}

/** What the traffic looked like before the detector started watching, per millisecond. */
export interface BaselineRates {
  readonly requestsPerMs: number;
  readonly errorRatio: number;
}

interface Entry {
  readonly sample: SliSample;
  readonly endMs: number;
  /** Requests and errors of every sample pushed before this one, inclusive. */
  readonly cumulativeRequests: number;
  readonly cumulativeErrors: number;
}

export class SampleWindow {
  private entries: Entry[] = [];
  private head = 0;
  private totalRequests = 0;
  private totalErrors = 0;
  private firstStartMs: number | undefined;

  /** Keeps samples that end within `horizonMs` of the latest sample's end. */
  constructor(private readonly horizonMs: number) {}

  push(sample: SliSample): void {
    this.firstStartMs ??= sample.startMs;
    this.totalRequests += sample.requests;
    this.totalErrors += sample.errors;
    const endMs = sample.startMs + sample.durationMs;
    this.entries.push({
      sample,
      endMs,
      cumulativeRequests: this.totalRequests,
      cumulativeErrors: this.totalErrors,
    });
    const oldestKept = endMs - this.horizonMs;
    while (this.head < this.entries.length && (this.entries[this.head] as Entry).sample.startMs < oldestKept)
      this.head++;
    // Compact now and then so memory stays bounded by the horizon, not the drill length.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** End of the latest sample (ms), or undefined before the first. */
  latestEndMs(): number | undefined {
    return this.entries.length > this.head ? this.entries[this.entries.length - 1]?.endMs : undefined;
  }

  /** Start of the first sample ever pushed: where observation began; undefined before it. */
  observedSinceMs(): number | undefined {
    return this.firstStartMs;
  }

  /** Totals of the kept samples inside [fromMs, toMs). */
  totals(fromMs: number, toMs: number): WindowTotals {
    const first = this.firstIndexStartingAtOrAfter(fromMs);
    const last = this.lastIndexEndingBy(toMs);
    if (first > last) return { requests: 0, errors: 0, samples: 0 };
    const before = first > 0 ? this.entries[first - 1] : undefined;
    const lastEntry = this.entries[last] as Entry;
    return {
      requests: lastEntry.cumulativeRequests - (before?.cumulativeRequests ?? 0),
      errors: lastEntry.cumulativeErrors - (before?.cumulativeErrors ?? 0),
      samples: last - first + 1,
    };
  }

  /** The kept samples inside [fromMs, toMs), oldest first (for merging latency histograms). */
  samples(fromMs: number, toMs: number): SliSample[] {
    const first = this.firstIndexStartingAtOrAfter(fromMs);
    const last = this.lastIndexEndingBy(toMs);
    const result: SliSample[] = [];
    for (let i = first; i <= last; i++) result.push((this.entries[i] as Entry).sample);
    return result;
  }

  private firstIndexStartingAtOrAfter(ms: number): number {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.entries[mid] as Entry).sample.startMs < ms) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private lastIndexEndingBy(ms: number): number {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.entries[mid] as Entry).endMs <= ms) low = mid + 1;
      else high = mid;
    }
    return low - 1;
  }
}

/** The baseline's request rate and error ratio; null when the baseline saw no requests. */
export function baselineRates(baseline: WindowSli): BaselineRates | null {
  const durationMs = baseline.endMs - baseline.startMs;
  if (baseline.requests <= 0 || durationMs <= 0) return null;
  return { requestsPerMs: baseline.requests / durationMs, errorRatio: baseline.errors / baseline.requests };
}

/**
 * Totals over [fromMs, toMs) where the part before the first observed sample is filled pro rata with
 * the baseline's traffic: what a Prometheus range query over the same window would have contained,
 * since the service was serving (the baseline phase) before the detector started watching.
 */
export function totalsWithBaselineFill(
  window: SampleWindow,
  fromMs: number,
  toMs: number,
  baseline: BaselineRates | null,
): WindowTotals {
  const observed = window.totals(fromMs, toMs);
  const firstObservedMs = window.observedSinceMs();
  if (!baseline || firstObservedMs === undefined || firstObservedMs <= fromMs) return observed;
  const missingMs = Math.min(firstObservedMs, toMs) - fromMs;
  const filledRequests = missingMs * baseline.requestsPerMs;
  return {
    requests: observed.requests + filledRequests,
    errors: observed.errors + filledRequests * baseline.errorRatio,
    samples: observed.samples,
  };
}
