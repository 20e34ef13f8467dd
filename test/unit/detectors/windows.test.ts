import { describe, expect, it } from 'vitest';
import { LatencyWindow } from '../../../harness/detectors/latency-window.js';
import {
  baselineRates,
  SampleWindow,
  totalsWithBaselineFill,
} from '../../../harness/detectors/sample-window.js';
import { windowLatencyPercentileMs, windowSli } from '../../../harness/measure/windows.js';
import { baselineSli, sliSample } from './fixtures.js';

describe('SampleWindow', () => {
  it('sums any sub-window of the kept samples like measure/windows.ts does', () => {
    const window = new SampleWindow(60_000);
    const all = [];
    for (let second = 0; second < 100; second++) {
      const sample = sliSample(second * 1000, { requests: 10 + (second % 7), errors: second % 3 });
      all.push(sample);
      window.push(sample);
    }
    for (const [from, to] of [
      [95_000, 100_000],
      [40_000, 100_000],
      [50_500, 70_000],
      [90_000, 90_000],
    ] as const) {
      const expected = windowSli(all, from, to);
      const totals = window.totals(from, to);
      expect({ requests: totals.requests, errors: totals.errors }).toEqual({
        requests: expected.requests,
        errors: expected.errors,
      });
    }
    // Older than the 60 s horizon: evicted.
    expect(window.totals(0, 100_000).samples).toBe(60);
    expect(window.observedSinceMs()).toBe(0);
    expect(window.latestEndMs()).toBe(100_000);
  });

  it('fills the part of a window before observation began with the baseline rate', () => {
    const window = new SampleWindow(60_000);
    // Baseline: 1000 requests over 10 s = 0.1 per ms, 0.2% errors.
    const rates = baselineRates(baselineSli());
    expect(rates).toEqual({ requestsPerMs: 0.1, errorRatio: 0.002 });
    for (let second = 0; second < 10; second++)
      window.push(sliSample(second * 1000, { requests: 50, errors: 5 }));
    // A 60 s window ending at 10 s: 50 s of baseline (5000 requests, 10 errors) + 10 s observed.
    const filled = totalsWithBaselineFill(window, -50_000, 10_000, rates);
    expect(filled.requests).toBeCloseTo(5500, 6);
    expect(filled.errors).toBeCloseTo(60, 6);
    // Entirely inside the observed span: no fill.
    expect(totalsWithBaselineFill(window, 5000, 10_000, rates).requests).toBe(250);
    // No baseline traffic: nothing to fill with.
    expect(baselineRates(baselineSli({ requests: 0, errors: 0 }))).toBeNull();
    expect(totalsWithBaselineFill(window, -50_000, 10_000, null).requests).toBe(500);
  });
});

describe('LatencyWindow', () => {
  it('gives the same percentiles as merging the window from scratch', () => {
    const latency = new LatencyWindow();
    const samples = [];
    for (let second = 0; second < 12; second++) {
      const sample = sliSample(second * 1000, {
        requests: 50,
        latencyMs: 20 + second * 10,
        slow: second % 4,
        slowMs: 900,
      });
      samples.push(sample);
      latency.push(sample);
      const endMs = (second + 1) * 1000;
      latency.slide(endMs - 5000, endMs);
      const inWindow = samples.filter((s) => s.startMs >= endMs - 5000);
      for (const p of [50, 95, 99])
        expect(latency.percentileMs(p)).toBe(windowLatencyPercentileMs(inWindow, p));
      expect(latency.count()).toBe(inWindow.length * 50);
    }
  });

  it('can lag behind the newest sample (data as of the last scrape) and reports empty windows as null', () => {
    const latency = new LatencyWindow();
    expect(latency.percentileMs(95)).toBeNull();
    for (let second = 0; second < 10; second++)
      latency.push(sliSample(second * 1000, { requests: 10, latencyMs: second < 5 ? 10 : 500 }));
    latency.slide(0, 5000); // only the first five seconds are "visible"
    expect(latency.percentileMs(99)).toBeLessThan(11);
    latency.slide(5000, 10_000);
    expect(latency.percentileMs(50)).toBeGreaterThan(499);
    latency.slide(20_000, 20_000);
    expect(latency.percentileMs(50)).toBeNull();
  });
});
