/**
 * What error ratio to assume as "normal" (p0) from a short baseline. A point estimate from a few
 * hundred requests is mostly noise — one error in 400 reads as 0.25% — and a p0 set too high makes
 * the CUSUM slow, set too low makes it raise false alarms. So: assume the floor (half the error
 * budget: the headroom SLOs are usually set with) unless the baseline shows significantly more
 * errors than the floor explains, and then believe the baseline.
 */

/** Below this p-value the baseline's errors are too many for the floor: use the measured ratio. */
export const BASELINE_SIGNIFICANCE = 0.05;

/** Φ(x), the standard normal CDF (Abramowitz & Stegun 7.1.26; error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** P(X ≥ k) for X ~ Poisson(mean): exact for small means, normal with continuity correction beyond. */
export function poissonUpperTail(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (mean > 200) return 1 - normalCdf((k - 0.5 - mean) / Math.sqrt(mean));
  let term = Math.exp(-mean);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= mean / (i + 1);
  }
  return Math.max(0, 1 - below);
}

export interface BaselineRateEstimate {
  readonly ratio: number;
  /** "floor" or "measured", with the evidence, for the run record. */
  readonly source: string;
}

/** p0 for `events` in `observations` baseline requests, given the floor. */
export function estimateBaselineRate(
  events: number,
  observations: number,
  floor: number,
): BaselineRateEstimate {
  if (observations <= 0) return { ratio: floor, source: 'floor (the baseline saw no requests)' };
  const pValue = poissonUpperTail(events, observations * floor);
  const measured = events / observations;
  if (measured > floor && pValue < BASELINE_SIGNIFICANCE)
    return {
      ratio: measured,
      source: `baseline (${events}/${observations}, significantly above the floor: p = ${pValue.toPrecision(2)})`,
    };
  return {
    ratio: floor,
    source: `floor (baseline ${events}/${observations} is consistent with it: p = ${pValue.toPrecision(2)})`,
  };
}
