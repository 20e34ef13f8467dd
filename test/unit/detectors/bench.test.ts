import { describe, expect, it } from 'vitest';
import { runDetectionBenchmark } from '../../../harness/bench/detect.js';
import { BenchFeed } from '../../../harness/bench/detect-feed.js';
import { formatDetectionBenchmarkMarkdown } from '../../../harness/bench/detect-format.js';
import { SeededRandom } from '../../../harness/bench/detect-random.js';
import { medianCi95, percentileOrNull, poissonUpper95 } from '../../../harness/bench/detect-stats.js';
import {
  exceedanceShare,
  OutcomeStream,
  simulateBaseline,
  STREAM_CASES,
} from '../../../harness/bench/detect-streams.js';
import { baselineSli } from './fixtures.js';

describe('detection benchmark building blocks', () => {
  it('simulates the configured rate, error ratio and latency exceedance', () => {
    const model = { errorRatio: 0.05, latencyMedianMs: 80, latencySigma: 0.5 };
    const stream = new OutcomeStream(new SeededRandom(3), 100, false);
    let requests = 0;
    let errors = 0;
    let slow = 0;
    let lastCompletion = -Infinity;
    let ordered = true;
    for (let s = 0; s < 1000; s++) {
      const sample = stream.second(s * 1000, model, (outcome) => {
        if (outcome.latencyMs > 300) slow++;
        if (outcome.completedAtMs < lastCompletion || outcome.completedAtMs >= (s + 1) * 1000)
          ordered = false;
        lastCompletion = outcome.completedAtMs;
      });
      requests += sample.requests;
      errors += sample.errors;
    }
    expect(ordered).toBe(true);
    expect(requests).toBeGreaterThan(99_000);
    expect(requests).toBeLessThan(101_000);
    expect(errors / requests).toBeGreaterThan(0.047);
    expect(errors / requests).toBeLessThan(0.053);
    const expectedSlow = exceedanceShare(model, 300); // ≈ 0.41%
    expect(expectedSlow).toBeCloseTo(0.0041, 4);
    expect(slow / requests).toBeGreaterThan(expectedSlow * 0.85);
    expect(slow / requests).toBeLessThan(expectedSlow * 1.15);
  });

  it('builds the baseline WindowSli the runner would pass, with latency histograms when asked', () => {
    const stream = new OutcomeStream(new SeededRandom(5), 50, true);
    const baseline = simulateBaseline(
      stream,
      { errorRatio: 0, latencyMedianMs: 100, latencySigma: 0 },
      0,
      20,
    );
    expect(baseline.endMs).toBe(20_000);
    expect(baseline.errors).toBe(0);
    expect(baseline.latencyMs?.p50).toBeCloseTo(100, 0);
    const sample = stream.second(20_000, { errorRatio: 0, latencyMedianMs: 100, latencySigma: 0 });
    expect(sample.latencyHistogram).toEqual(expect.any(String));
  });

  it('counts undetected trials as slower than any detection in percentiles', () => {
    expect(percentileOrNull([3, 1, 2, null], 50)).toBe(2);
    expect(percentileOrNull([3, 1, null, null], 95)).toBeNull();
    expect(percentileOrNull([], 50)).toBeNull();
    expect(poissonUpper95(0)).toBeCloseTo(3.0, 1); // the "rule of three"
    expect(poissonUpper95(10)).toBeCloseTo(17.0, 0);
    // n = 100: ranks 50 ± 9.8 → the 40th and 60th values.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(medianCi95(values)).toEqual([40, 60]);
    expect(medianCi95([...values.slice(0, 55), ...Array.from({ length: 45 }, () => null)])).toEqual([
      40,
      null,
    ]);
    expect(medianCi95([])).toEqual([null, null]);
  });

  it('advances the fake clock exactly while a detector waits on a timer, lazily otherwise', async () => {
    const feed = new BenchFeed({ availability: 0.99, latency: [] }, baselineSli());
    await feed.syncClock(5000);
    expect(feed.clock.now()).toBe(0); // nothing waits: the clock may trail the stream
    let fired = false;
    feed.clock.setTimer(() => (fired = true), 6000);
    await feed.syncClock(7000);
    expect(feed.clock.now()).toBe(7000);
    expect(fired).toBe(true);
  });
});

describe('runDetectionBenchmark', () => {
  const options = {
    seed: 11,
    trials: 6,
    rates: [100],
    caseIds: ['errors-0.5-5'],
    capSeconds: 120,
    noFaultRequests: 200_000,
  };

  it('is deterministic for a seed and fills every row', async () => {
    const first = await runDetectionBenchmark(options);
    const second = await runDetectionBenchmark(options);
    expect(second).toEqual(first);
    expect(first.cases).toHaveLength(1);
    expect(first.cases[0]?.kl).toBeCloseTo(0.0712, 4);
    expect(first.rows.map((r) => r.detectorId)).toEqual([
      'threshold',
      'burn-rate',
      'sequential',
      'sequential-1ph',
      'argo-style',
      'argo-style-fresh',
    ]);
    const sequential = first.rows.find((r) => r.detectorId === 'sequential');
    expect(sequential).toMatchObject({ trials: 6, detected: 6, arl0Basis: 'setting', arl0Requests: 3.6e8 });
    expect(sequential?.boundRequests).toBeCloseTo(Math.log(3.6e8) / 0.07116, 0);
    // 0.5% → 5% is a 5x burn: below both default burn-rate pairs, so never detected.
    expect(first.rows.find((r) => r.detectorId === 'burn-rate')?.detected).toBe(0);
    expect(first.acceptance.map((check) => check.description)).toHaveLength(6);
  });

  it('formats a table per case and the acceptance checks', async () => {
    const text = formatDetectionBenchmarkMarkdown(await runDetectionBenchmark(options));
    expect(text).toContain('## errors 0.5% → 5% (SLO 99%)');
    expect(text).toContain('| rps | detector | detected | median delay |');
    expect(text).toMatch(/\| 100 \| sequential \(1 false alarm per 1000 h\) \| 6\/6 \|/);
    expect(text).toContain('| > 120 s |'); // burn-rate's p95
    expect(text).toContain('## Acceptance (errors 0.5% → 5% at 100 rps)');
  });

  it('knows every case it simulates', () => {
    expect(STREAM_CASES.map((c) => c.id)).toEqual(['errors-0.5-5', 'errors-0.1-1', 'latency-80-200']);
  });
});
