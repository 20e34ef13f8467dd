/**
 * Recovery: the first sustained stretch, inside the verify window, over which the SLIs are back
 * inside the SLO. A stretch is judged on its aggregate (all its seconds merged), so one error in a
 * low-traffic second does not hide a recovery, while a bad second still drags its stretch out of SLO.
 */
import type { Slos } from '../scenario/model.js';
import type { SliSample } from '../traffic/sli.js';
import { windowLatencyPercentileMs } from './windows.js';

export interface SloVerdict {
  readonly withinSlo: boolean;
  /** Why not, e.g. "error ratio 2.1% > 0.5%" or "no requests". */
  readonly reason: string | null;
}

/** Whether a set of samples, merged, meets every SLO. No requests = no evidence = not within. */
export function judgeAgainstSlo(samples: readonly SliSample[], slos: Slos): SloVerdict {
  let requests = 0;
  let errors = 0;
  for (const s of samples) {
    requests += s.requests;
    errors += s.errors;
  }
  if (requests === 0) return { withinSlo: false, reason: 'no requests completed' };
  const errorRatio = errors / requests;
  const budget = 1 - slos.availability;
  if (errorRatio > budget + 1e-12) {
    return {
      withinSlo: false,
      reason: `error ratio ${formatPercent(errorRatio)} > ${formatPercent(budget)}`,
    };
  }
  for (const latency of slos.latency) {
    const value = windowLatencyPercentileMs(samples, latency.percentile);
    if (value !== null && value > latency.threshold) {
      return {
        withinSlo: false,
        reason: `p${latency.percentile} latency ${value.toFixed(1)}ms > ${latency.threshold}ms`,
      };
    }
  }
  return { withinSlo: true, reason: null };
}

/**
 * The start (monotonic ms) of the first stretch of `sustainMs` consecutive samples, all starting in
 * [fromMs, untilMs), that meets the SLO; null when there is none.
 */
export function findSustainedRecoveryMs(
  samples: readonly SliSample[],
  slos: Slos,
  fromMs: number,
  untilMs: number,
  sustainMs: number,
): number | null {
  const candidates = samples.filter((s) => s.startMs >= fromMs && s.startMs < untilMs);
  for (let i = 0; i < candidates.length; i++) {
    const first = candidates[i];
    if (!first) break;
    const stretch: SliSample[] = [];
    let coveredMs = 0;
    for (let j = i; j < candidates.length && coveredMs < sustainMs; j++) {
      const sample = candidates[j];
      if (!sample) break;
      stretch.push(sample);
      coveredMs = sample.startMs + sample.durationMs - first.startMs;
    }
    if (coveredMs < sustainMs) return null; // not enough verify window left for a sustained stretch
    if (judgeAgainstSlo(stretch, slos).withinSlo) return first.startMs;
  }
  return null;
}

export function formatPercent(ratio: number): string {
  const percent = ratio * 100;
  return `${percent >= 10 || percent === 0 ? percent.toFixed(1) : percent.toPrecision(2)}%`;
}
