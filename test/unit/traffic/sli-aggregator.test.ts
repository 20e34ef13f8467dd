import { describe, expect, it } from 'vitest';
import { mergeEncodedHistograms } from '../../../harness/measure/latency-histogram.js';
import { SliAggregator } from '../../../harness/traffic/sli-aggregator.js';
import type { ErrorClass, RequestOutcome, SliSample } from '../../../harness/traffic/sli.js';

function outcome(completedAtMs: number, latencyMs: number, errorClass?: ErrorClass): RequestOutcome {
  return {
    scheduledAtMs: completedAtMs - latencyMs,
    completedAtMs,
    latencyMs,
    ...(errorClass ? { errorClass } : { status: 200 }),
    endpoint: 'GET /',
  };
}

function collect(startMs = 10_000) {
  const samples: SliSample[] = [];
  const aggregator = new SliAggregator({ startMs, emit: (sample) => samples.push(sample) });
  return { aggregator, samples };
}

describe('SliAggregator', () => {
  it('buckets outcomes by completion time into intervals aligned to t0', () => {
    const { aggregator, samples } = collect();
    // Scheduled in the first second but completed in the second one: counts in the second.
    aggregator.recordOutcome(outcome(10_999, 500));
    aggregator.recordOutcome(outcome(11_000, 600));
    aggregator.recordOutcome(outcome(11_500, 1_400));
    aggregator.flush(12_000);
    expect(samples.map((s) => [s.startMs, s.durationMs, s.requests])).toEqual([
      [10_000, 1_000, 1],
      [11_000, 1_000, 2],
    ]);
  });

  it('emits empty intervals with null latency', () => {
    const { aggregator, samples } = collect();
    aggregator.recordOutcome(outcome(10_100, 5));
    aggregator.flush(13_000);
    expect(samples).toHaveLength(3);
    expect(samples[1]).toEqual({
      startMs: 11_000,
      durationMs: 1_000,
      requests: 0,
      errors: 0,
      dropped: 0,
      errorsByClass: {},
      latencyMs: null,
      latencyHistogram: null,
    });
    expect(samples[2]?.latencyMs).toBeNull();
  });

  it('rolls over when an outcome arrives after an interval ended but before its flush', () => {
    const { aggregator, samples } = collect();
    aggregator.recordOutcome(outcome(10_500, 5));
    aggregator.recordOutcome(outcome(12_200, 5)); // the 11 s interval was never flushed by a timer
    expect(samples.map((s) => s.requests)).toEqual([1, 0]);
  });

  it('counts errors by class and drops by the second they were due', () => {
    const { aggregator, samples } = collect(0);
    aggregator.recordOutcome(outcome(100, 10, 'http_5xx'));
    aggregator.recordOutcome(outcome(200, 10, 'http_5xx'));
    aggregator.recordOutcome(outcome(300, 2_000, 'timeout'));
    aggregator.recordOutcome(outcome(400, 10));
    aggregator.recordDrop(450);
    aggregator.recordDrop(999);
    aggregator.recordDrop(1_000);
    aggregator.flush(2_000);
    expect(samples[0]).toMatchObject({
      requests: 4,
      errors: 3,
      dropped: 2,
      errorsByClass: { http_5xx: 2, timeout: 1 },
    });
    expect(samples[1]).toMatchObject({ requests: 0, errors: 0, dropped: 1, errorsByClass: {} });
  });

  it('counts a drop for an interval already emitted in the open one instead of losing it', () => {
    const { aggregator, samples } = collect(0);
    aggregator.flush(1_500);
    aggregator.recordDrop(900);
    aggregator.flush(2_000);
    expect(samples.map((s) => s.dropped)).toEqual([0, 1]);
  });

  it('computes percentiles of known latencies and encodes a mergeable histogram', () => {
    const { aggregator, samples } = collect(0);
    // Latencies 1..100 ms: p50 = 50, p90 = 90, p95 = 95, p99 = 99, max = 100 (HDR: ±0.1%).
    for (let ms = 1; ms <= 100; ms++) aggregator.recordOutcome(outcome(500, ms));
    aggregator.flush(1_000);
    const latency = samples[0]?.latencyMs;
    expect(latency?.p50).toBeCloseTo(50, 1);
    expect(latency?.p90).toBeCloseTo(90, 1);
    expect(latency?.p95).toBeCloseTo(95, 1);
    expect(latency?.p99).toBeCloseTo(99, 1);
    expect(latency?.max).toBeCloseTo(100, 1);
    const decoded = mergeEncodedHistograms([samples[0]?.latencyHistogram ?? null]);
    expect(decoded?.totalCount).toBe(100);
    // The histogram is reset per interval: the next second only holds its own requests.
    aggregator.recordOutcome(outcome(1_500, 300));
    aggregator.flush(2_000);
    expect(samples[1]?.latencyMs?.p50).toBeCloseTo(300, 0);
    expect(mergeEncodedHistograms([samples[1]?.latencyHistogram ?? null])?.totalCount).toBe(1);
  });

  it('finish emits the partial last interval once, and ignores everything after', () => {
    const { aggregator, samples } = collect(0);
    aggregator.recordOutcome(outcome(2_100, 7));
    aggregator.finish(2_250);
    expect(samples.map((s) => [s.startMs, s.durationMs, s.requests])).toEqual([
      [0, 1_000, 0],
      [1_000, 1_000, 0],
      [2_000, 250, 1],
    ]);
    expect(aggregator.finished).toBe(true);
    aggregator.recordOutcome(outcome(2_300, 7));
    aggregator.recordDrop(2_300);
    aggregator.flush(5_000);
    aggregator.finish(5_000);
    expect(samples).toHaveLength(3);
  });

  it('finish on an interval boundary emits no zero-length empty sample', () => {
    const { aggregator, samples } = collect(0);
    aggregator.finish(2_000);
    expect(samples.map((s) => s.durationMs)).toEqual([1_000, 1_000]);
  });

  it('a throwing sink does not make an interval be emitted twice', () => {
    const starts: number[] = [];
    const aggregator = new SliAggregator({
      startMs: 0,
      emit: (sample) => {
        starts.push(sample.startMs);
        throw new Error('listener bug');
      },
    });
    expect(() => aggregator.flush(1_000)).toThrow('listener bug');
    aggregator.flush(1_000);
    expect(starts).toEqual([0]);
  });
});
