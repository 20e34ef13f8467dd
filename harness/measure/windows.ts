/**
 * SLIs over a window of the per-second series. Pure: the same samples always give the same figures.
 * A sample belongs to a window when its interval starts inside [startMs, endMs).
 */
import type { LatencySummaryMs, SliSample } from '../traffic/sli.js';
import { mergeEncodedHistograms, percentileMs, summarizeLatency } from './latency-histogram.js';

export interface WindowSli {
  readonly startMs: number;
  readonly endMs: number;
  readonly requests: number;
  readonly errors: number;
  readonly dropped: number;
  /** 1 − errors/requests; null when no request completed in the window. */
  readonly availability: number | null;
  readonly errorRatio: number | null;
  readonly latencyMs: LatencySummaryMs | null;
}

export function samplesInWindow(samples: readonly SliSample[], startMs: number, endMs: number): SliSample[] {
  return samples.filter((s) => s.startMs >= startMs && s.startMs < endMs);
}

export function windowSli(samples: readonly SliSample[], startMs: number, endMs: number): WindowSli {
  const inWindow = samplesInWindow(samples, startMs, endMs);
  let requests = 0;
  let errors = 0;
  let dropped = 0;
  for (const s of inWindow) {
    requests += s.requests;
    errors += s.errors;
    dropped += s.dropped;
  }
  const histogram = mergeEncodedHistograms(inWindow.map((s) => s.latencyHistogram));
  const latencyMs = histogram ? summarizeLatency(histogram) : null;
  histogram?.destroy();
  return {
    startMs,
    endMs,
    requests,
    errors,
    dropped,
    availability: requests > 0 ? 1 - errors / requests : null,
    errorRatio: requests > 0 ? errors / requests : null,
    latencyMs,
  };
}

/** The latency at percentile p over the given samples, in ms; null when none completed. */
export function windowLatencyPercentileMs(samples: readonly SliSample[], p: number): number | null {
  const histogram = mergeEncodedHistograms(samples.map((s) => s.latencyHistogram));
  if (!histogram || histogram.totalCount === 0) return null;
  const value = percentileMs(histogram, p);
  histogram.destroy();
  return value;
}
