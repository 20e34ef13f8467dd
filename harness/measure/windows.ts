/**
 * SLIs over a window of the per-second series. Pure: the same samples always give the same figures.
 * Two ways a 1 s sample can belong to a window [startMs, endMs):
 * - `within` (the default): the sample lies wholly inside, so a sample that straddles the fault start
 *   (half before, half after) pollutes neither the baseline nor the fault window;
 * - `overlapping`: the sample shares any time with the window — for counting impact, where missing a
 *   failure is worse than counting up to a second of healthy traffic at an edge.
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

export type WindowMembership = 'within' | 'overlapping';

export function samplesInWindow(
  samples: readonly SliSample[],
  startMs: number,
  endMs: number,
  membership: WindowMembership = 'within',
): SliSample[] {
  return membership === 'within'
    ? samples.filter((s) => s.startMs >= startMs && s.startMs + s.durationMs <= endMs)
    : samples.filter((s) => s.startMs < endMs && s.startMs + s.durationMs > startMs);
}

export function windowSli(
  samples: readonly SliSample[],
  startMs: number,
  endMs: number,
  membership: WindowMembership = 'within',
): WindowSli {
  const inWindow = samplesInWindow(samples, startMs, endMs, membership);
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
