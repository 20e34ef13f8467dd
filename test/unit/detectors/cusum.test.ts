import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../harness/bench/detect-random.js';
import {
  bernoulliKl,
  breakEvenRate,
  Cusum,
  lordenDelayBound,
  thresholdForArl0,
} from '../../../harness/detectors/cusum.js';

describe('Bernoulli CUSUM arithmetic', () => {
  it('computes KL and the Lorden bound of the reference example', () => {
    // detection-and-dora.md: p0 = 0.5%, p1 = 5% → KL ≈ 0.071; ARL0 = 7.2e7 → ≈ 254 requests.
    expect(bernoulliKl(0.05, 0.005)).toBeCloseTo(0.0712, 4);
    expect(lordenDelayBound(7.2e7, 0.005, 0.05)).toBeGreaterThan(253);
    expect(lordenDelayBound(7.2e7, 0.005, 0.05)).toBeLessThan(255);
    expect(bernoulliKl(0.3, 0.3)).toBe(0);
    expect(thresholdForArl0(Math.E ** 5)).toBeCloseTo(5, 12);
  });

  it('puts the break-even rate where the expected increment is zero', () => {
    const p0 = 0.005;
    const p1 = 0.1;
    const rate = breakEvenRate(p0, p1);
    const drift = rate * Math.log(p1 / p0) + (1 - rate) * Math.log((1 - p1) / (1 - p0));
    expect(drift).toBeCloseTo(0, 12);
    expect(rate).toBeGreaterThan(p0);
    expect(rate).toBeLessThan(p1);
  });

  it('adds the known log-likelihood ratios and floors the statistic at zero', () => {
    const cusum = new Cusum({ p0: 0.01, p1: 0.1, threshold: 100 });
    const up = Math.log(10);
    const down = Math.log(0.9 / 0.99);
    expect(cusum.update(false)).toBe(false);
    expect(cusum.statistic).toBe(0); // floored: a clean start gives no credit
    cusum.update(true);
    cusum.update(false);
    cusum.update(false);
    cusum.update(true);
    expect(cusum.statistic).toBeCloseTo(2 * up + 2 * down, 12);
    expect(cusum.observationsSinceZero).toBe(4);
    expect(cusum.eventsSinceZero).toBe(2);
    expect(cusum.observations).toBe(5);
    for (let i = 0; i < 100; i++) cusum.update(false);
    expect(cusum.statistic).toBe(0);
    expect(cusum.observationsSinceZero).toBe(0);
    expect(cusum.events).toBe(2);
  });

  it('fires on the observation that reaches h', () => {
    const cusum = new Cusum({ p0: 0.01, p1: 0.1, threshold: Math.log(900) });
    expect(cusum.minEventsToFire()).toBe(3);
    expect(cusum.update(true)).toBe(false);
    expect(cusum.update(true)).toBe(false);
    expect(cusum.update(true)).toBe(true);
  });

  it('rejects settings it cannot work with', () => {
    expect(() => new Cusum({ p0: 0, p1: 0.1, threshold: 5 })).toThrow(RangeError);
    expect(() => new Cusum({ p0: 0.1, p1: 0.1, threshold: 5 })).toThrow(RangeError);
    expect(() => new Cusum({ p0: 0.01, p1: 0.1, threshold: 0 })).toThrow(RangeError);
  });

  it('detects a step change within a small factor of ln(ARL0)/KL requests', () => {
    const p0 = 0.005;
    const p1 = 0.05;
    const arl0 = 1e6;
    const random = new SeededRandom(42);
    const delays: number[] = [];
    for (let run = 0; run < 200; run++) {
      const cusum = new Cusum({ p0, p1, threshold: thresholdForArl0(arl0) });
      let requests = 0;
      do requests++;
      while (!cusum.update(random.bernoulli(p1)));
      delays.push(requests);
    }
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    const bound = lordenDelayBound(arl0, p0, p1); // ≈ 193 requests
    expect(mean).toBeGreaterThan(0.8 * bound);
    expect(mean).toBeLessThan(1.5 * bound);
  });

  it('raises false alarms on a seeded no-fault stream no more often than ARL0 allows', () => {
    const p0 = 0.005;
    const arl0 = 5000;
    const observations = 2_000_000;
    const random = new SeededRandom(7);
    const cusum = new Cusum({ p0, p1: 0.05, threshold: thresholdForArl0(arl0) });
    let alarms = 0;
    for (let i = 0; i < observations; i++) {
      if (cusum.update(random.bernoulli(p0))) {
        alarms++;
        cusum.reset();
      }
    }
    // The setting allows one per 5000 observations (400 here). ln(ARL0) is conservative (Lorden):
    // the real rate is lower, but not zero — the CUSUM is live, not deaf.
    expect(alarms).toBeLessThanOrEqual(observations / arl0);
    expect(alarms).toBeGreaterThan(0);
  });
});
