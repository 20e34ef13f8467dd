/** Small statistics for the benchmark's rows: percentiles with "not detected" and Poisson bounds. */

/**
 * Nearest-rank percentile (0–100) of values where null means "not detected within the cap" and
 * sorts last; null when the percentile falls among them.
 */
export function percentileOrNull(values: readonly (number | null)[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.map((v) => v ?? Infinity).sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  const value = sorted[rank - 1] as number;
  return Number.isFinite(value) ? value : null;
}

/** One-sided 95% upper bound on a Poisson mean after observing k events (Wilson–Hilferty). */
export function poissonUpper95(k: number): number {
  const n = k + 1;
  return n * (1 - 1 / (9 * n) + 1.6449 / (3 * Math.sqrt(n))) ** 3;
}

/**
 * A distribution-free 95% confidence interval for the median (order statistics: ranks
 * n/2 ± 1.96·√n/2); null bounds where they fall among the undetected.
 */
export function medianCi95(values: readonly (number | null)[]): [number | null, number | null] {
  const n = values.length;
  if (n === 0) return [null, null];
  const sorted = values.map((v) => v ?? Infinity).sort((a, b) => a - b);
  const half = (1.96 * Math.sqrt(n)) / 2;
  const low = sorted[Math.max(0, Math.floor(n / 2 - half) - 1)] as number;
  const high = sorted[Math.min(n - 1, Math.ceil(n / 2 + half) - 1)] as number;
  return [Number.isFinite(low) ? low : null, Number.isFinite(high) ? high : null];
}
