import { describe, expect, it } from 'vitest';
import {
  estimateBaselineRate,
  normalCdf,
  poissonUpperTail,
} from '../../../harness/detectors/baseline-rate.js';

describe('baseline rate estimate', () => {
  it('computes Poisson tails exactly for small means and by the normal approximation for large ones', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 0.4)).toBeCloseTo(1 - Math.exp(-0.4), 12);
    expect(poissonUpperTail(2, 1)).toBeCloseTo(1 - 2 * Math.exp(-1), 12);
    // Either side of the switch the two methods agree to within a percent of the tail.
    const exact = poissonUpperTail(230, 199.99);
    const approx = poissonUpperTail(230, 200.01);
    expect(Math.abs(exact - approx) / exact).toBeLessThan(0.1);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
  });

  it('keeps the floor while the baseline errors are consistent with it', () => {
    expect(estimateBaselineRate(1, 400, 0.001)).toMatchObject({ ratio: 0.001 }); // 1 in 400: noise
    expect(estimateBaselineRate(0, 10_000, 0.001)).toMatchObject({ ratio: 0.001 });
    expect(estimateBaselineRate(0, 0, 0.001).source).toContain('no requests');
  });

  it('believes the baseline when it is significantly above the floor', () => {
    const estimate = estimateBaselineRate(30, 10_000, 0.001); // 10 expected, 30 seen
    expect(estimate.ratio).toBe(0.003);
    expect(estimate.source).toMatch(/^baseline \(30\/10000, significantly above the floor/);
  });
});
