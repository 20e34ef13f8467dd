/**
 * The blast-radius guard: stops the drill when the live SLIs show more harm than the drill may do —
 * an error ratio or a latency percentile beyond its limit, sustained. "Sustained" is judged per 1 s
 * sample: a streak starts at the first sample beyond a limit and fires once it spans `sustain`; a
 * sample within the limits ends the streak. A second in which no request completed is no evidence
 * either way: it neither ends a streak nor starts one (a dead target's requests fail or time out,
 * and those count as errors, so silence alone never hides harm for long).
 */
import { formatDurationMs } from '../core/errors.js';
import { formatPercent } from '../measure/recovery.js';
import { windowLatencyPercentileMs } from '../measure/windows.js';
import type { BlastRadiusLimits } from '../scenario/model.js';
import type { SliSample } from '../traffic/sli.js';
import type { StopCondition, StopConditionFired } from './stop-conditions.js';

/** What one sample shows against the limits. */
export interface SampleBreach {
  /** The limits exceeded, in words, e.g. "error ratio 42.0% > 30.0%". */
  readonly exceeded: readonly string[];
  readonly errorRatio: number | null;
  readonly latencyMs: number | null;
}

/** Pure: whether `sample` exceeds a limit; null when it is within them or carries no requests. */
export function breachOf(sample: SliSample, limits: BlastRadiusLimits): SampleBreach | null {
  if (sample.requests === 0) return null;
  const errorRatio = sample.errors / sample.requests;
  const exceeded: string[] = [];
  if (limits.errorRatio !== undefined && errorRatio > limits.errorRatio + 1e-12) {
    exceeded.push(`error ratio ${formatPercent(errorRatio)} > ${formatPercent(limits.errorRatio)}`);
  }
  let latencyMs: number | null = null;
  if (limits.latency) {
    latencyMs = windowLatencyPercentileMs([sample], limits.latency.percentile);
    if (latencyMs !== null && latencyMs > limits.latency.threshold) {
      exceeded.push(
        `p${limits.latency.percentile} latency ${latencyMs.toFixed(1)}ms > ${formatDurationMs(limits.latency.threshold)}`,
      );
    }
  }
  return exceeded.length > 0 ? { exceeded, errorRatio, latencyMs } : null;
}

/** Follows the samples in order; `observe` returns the firing once a breach has lasted `sustain`. */
export class BlastRadiusGuard {
  private streakStartMs: number | null = null;
  private worstErrorRatio = 0;
  private worstLatencyMs = 0;
  private samplesInStreak = 0;

  constructor(private readonly limits: BlastRadiusLimits) {}

  observe(sample: SliSample): StopConditionFired | null {
    if (sample.requests === 0) return null; // no evidence: the streak neither grows nor ends
    const breach = breachOf(sample, this.limits);
    if (!breach) {
      this.streakStartMs = null;
      this.samplesInStreak = 0;
      this.worstErrorRatio = 0;
      this.worstLatencyMs = 0;
      return null;
    }
    this.streakStartMs ??= sample.startMs;
    this.samplesInStreak += 1;
    this.worstErrorRatio = Math.max(this.worstErrorRatio, breach.errorRatio ?? 0);
    this.worstLatencyMs = Math.max(this.worstLatencyMs, breach.latencyMs ?? 0);
    const lastedMs = sample.startMs + sample.durationMs - this.streakStartMs;
    if (lastedMs < this.limits.sustain) return null;
    return {
      condition: 'blastRadius',
      reason:
        `blast radius exceeded: ${breach.exceeded.join(' and ')} for ${formatDurationMs(lastedMs)} ` +
        `(abort.blastRadius allows ${formatDurationMs(this.limits.sustain)})`,
      data: {
        sustainedMs: lastedMs,
        samples: this.samplesInStreak,
        worstErrorRatio: this.worstErrorRatio,
        ...(this.limits.latency ? { worstLatencyMs: this.worstLatencyMs } : {}),
        limits: { ...this.limits },
      },
    };
  }
}

export function blastRadiusCondition(limits: BlastRadiusLimits): StopCondition {
  return {
    name: 'blastRadius',
    start(ctx) {
      const guard = new BlastRadiusGuard(limits);
      return ctx.subscribe({
        sample(sample) {
          const fired = guard.observe(sample);
          if (fired) ctx.fire(fired);
        },
      });
    },
  };
}
