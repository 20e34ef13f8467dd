import { describe, expect, it } from 'vitest';
import {
  encodeHistogram,
  newLatencyHistogram,
  recordLatencyMs,
} from '../../../harness/measure/latency-histogram.js';
import { computeMeasurements, roundToResolution } from '../../../harness/measure/measurements.js';
import { findSustainedRecoveryMs, judgeAgainstSlo } from '../../../harness/measure/recovery.js';
import { windowSli } from '../../../harness/measure/windows.js';
import type { TimelineEvent } from '../../../harness/runner/timeline.js';
import type { SliSample } from '../../../harness/traffic/sli.js';
import { scenarioFixture } from '../runner/scenario-fixture.js';

function sample(second: number, requests: number, errors: number, latencyMs = 5): SliSample {
  const h = newLatencyHistogram();
  for (let i = 0; i < requests; i++) recordLatencyMs(h, latencyMs);
  return {
    startMs: second * 1000,
    durationMs: 1000,
    requests,
    errors,
    dropped: 0,
    errorsByClass: errors ? { http_5xx: errors } : {},
    latencyMs: requests
      ? { p50: latencyMs, p90: latencyMs, p95: latencyMs, p99: latencyMs, max: latencyMs }
      : null,
    latencyHistogram: requests ? encodeHistogram(h) : null,
  };
}

const slos = { availability: 0.99, latency: [{ percentile: 95, threshold: 100 }] };

describe('recovery', () => {
  it('judges a stretch on its merged SLIs and treats no requests as no evidence', () => {
    expect(judgeAgainstSlo([sample(0, 100, 1), sample(1, 100, 0)], slos).withinSlo).toBe(true);
    expect(judgeAgainstSlo([sample(0, 100, 5)], slos)).toEqual({
      withinSlo: false,
      reason: 'error ratio 5.0% > 1.0%',
    });
    expect(judgeAgainstSlo([sample(0, 100, 0, 150)], slos).reason).toMatch(/^p95 latency 150\.\dms > 100ms$/);
    expect(judgeAgainstSlo([sample(0, 0, 0)], slos)).toEqual({
      withinSlo: false,
      reason: 'no requests completed',
    });
  });

  it('returns the start of the first sustained in-SLO stretch, or null when the window ends first', () => {
    const series = [
      sample(0, 100, 50),
      sample(1, 100, 50),
      sample(2, 100, 0),
      sample(3, 100, 0),
      sample(4, 100, 0),
      sample(5, 100, 40),
      sample(6, 100, 0),
    ];
    expect(findSustainedRecoveryMs(series, slos, 0, 7000, 3000)).toBe(2000);
    expect(findSustainedRecoveryMs(series, slos, 3000, 7000, 3000)).toBeNull();
    expect(findSustainedRecoveryMs(series, slos, 0, 3000, 3000)).toBeNull();
  });
});

describe('measurements', () => {
  it('rounds a figure to what its resolution supports', () => {
    expect(roundToResolution(2.3456, 1)).toBe(2);
    expect(roundToResolution(2.3456, 0.1)).toBe(2.3);
    expect(roundToResolution(2.3456, 0.101)).toBe(2.3);
    expect(roundToResolution(2.3456, 0.001)).toBe(2.346);
  });

  it('merges window latency from the per-second histograms exactly', () => {
    const series = [sample(0, 90, 0, 10), sample(1, 10, 0, 1000)];
    const w = windowSli(series, 0, 2000);
    expect(w.requests).toBe(100);
    expect(w.latencyMs?.p50).toBeCloseTo(10, 1);
    expect(w.latencyMs?.p95).toBeCloseTo(1000, -1);
  });

  it('computes every time from the timeline with its resolution and leaves missing phases null', () => {
    const ev = (
      type: TimelineEvent['type'],
      atMs: number,
      phase?: TimelineEvent['phase'],
    ): TimelineEvent => ({ type, atMs, message: type, ...(phase ? { phase } : {}) });
    const timeline = [
      ev('phase.started', 0, 'baseline'),
      ev('fault.injected', 5000),
      ev('detected', 7000),
      ev('decided', 7500),
      ev('rollback.completed', 8250),
      ev('phase.ended', 20_000, 'verify'),
    ];
    const series = Array.from({ length: 20 }, (_, s) => sample(s, 100, s >= 5 && s < 9 ? 30 : 0));
    const out = computeMeasurements({
      scenario: scenarioFixture({ slos }),
      timeline,
      samples: series,
      observations: {
        fault: { method: 'switch', resolutionSeconds: 0.001 },
        detection: { method: '1 s samples', resolutionSeconds: 1 },
        decision: { method: 'in-process', resolutionSeconds: 0.001 },
        rollback: { method: 'poll 100 ms', resolutionSeconds: 0.1 },
      },
      stableVersion: 'stable',
      versionAfterRollback: 'stable',
    });
    expect(out.measurements.timeToDetectSeconds).toBe(2);
    expect(out.measurements.timeToDecideSeconds).toBe(0.5);
    expect(out.measurements.timeToRollbackSeconds).toBe(0.8); // 0.75 s observed ±0.101 s: one decimal
    expect(out.measurements.timeToRecoverSeconds).toBe(4); // first sample starting ≥ 8.25 s is 9 s
    expect(out.measurements.impact.failedRequests).toBe(120);
    expect(out.measurements.observations.timeToDetectSeconds.resolutionSeconds).toBe(1.001);
    expect(out.windows.baseline?.errorRatio).toBe(0);
  });
});
