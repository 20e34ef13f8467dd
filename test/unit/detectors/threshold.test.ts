import { describe, expect, it } from 'vitest';
import { ThresholdDetector } from '../../../harness/detectors/threshold.js';
import { detectionConfig, thresholdDetectorConfig } from '../../../harness/scenario/schema/detection.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { flush, sliSample, TestContext, track, type SampleSpec } from './fixtures.js';

function detector(overrides: Record<string, unknown> = {}): ThresholdDetector {
  return new ThresholdDetector(thresholdDetectorConfig.parse({ type: 'threshold', ...overrides }));
}

/** Emits one sample per second of fake time, the way the traffic generator does. */
async function emitSeconds(ctx: TestContext, specs: readonly SampleSpec[]): Promise<void> {
  for (const spec of specs) {
    const startMs = ctx.clock.now();
    await ctx.clock.advance(1000);
    ctx.emitSample(sliSample(startMs, spec));
    await flush();
  }
}

describe('threshold detector', () => {
  it('fires on the sample where the window error ratio first exceeds the budget, not before', async () => {
    const ctx = new TestContext({ availability: 0.995, latency: [] });
    const watch = track(detector({ window: '5s', minRequests: 20 }).watch(ctx));

    await emitSeconds(
      ctx,
      Array.from({ length: 10 }, () => ({ requests: 100 })),
    );
    // One error per 100 requests from here on: the 5 s window holds 1, 2, 3 errors per 500 requests.
    await emitSeconds(ctx, [
      { requests: 100, errors: 1 },
      { requests: 100, errors: 1 },
    ]);
    expect(watch.settled()).toBe(false); // 2/500 = 0.4% ≤ 0.5%

    await emitSeconds(ctx, [{ requests: 100, errors: 1 }]); // 3/500 = 0.6% > 0.5%
    expect(watch.settled()).toBe(true);
    const detection = await watch.promise;
    expect(detection.atMs).toBe(13_000); // end of the 13th sample: the moment the harness could know
    expect(detection.reason).toBe('error ratio 0.6% > 0.5% over 5s (500 requests)');
    expect(detection.observed).toMatchObject({
      requests: 500,
      errors: 3,
      windowMs: 5000,
      noDataEvaluations: 0,
    });
    expect(detection.observed.errorRatio).toBeCloseTo(0.006, 10);
    expect(ctx.subscribers).toBe(0);
  });

  it('forgets errors once they slide out of the window', async () => {
    const ctx = new TestContext({ availability: 0.99, latency: [] });
    const watch = track(detector({ window: '3s', minRequests: 20 }).watch(ctx));
    await emitSeconds(ctx, [{ requests: 100 }, { requests: 100 }, { requests: 100 }]);
    await emitSeconds(ctx, [{ requests: 100, errors: 2 }, { requests: 100 }, { requests: 100 }]);
    // Had the first 2 errors stayed in the 3 s window this would be 4/300 = 1.33% > 1%; they left.
    await emitSeconds(ctx, [{ requests: 100, errors: 2 }]);
    expect(watch.settled()).toBe(false);
    await emitSeconds(ctx, [{ requests: 100, errors: 2 }]); // 2 + 2 in the window: 4/300 = 1.33% > 1%
    const detection = await watch.promise;
    expect(detection.atMs).toBe(8000);
    expect(detection.observed.errors).toBe(4);
  });

  it('reports windows below minRequests as no data and never fires on them', async () => {
    const ctx = new TestContext({ availability: 0.995, latency: [] });
    const watch = track(detector({ window: '5s', minRequests: 60 }).watch(ctx));
    // Every request fails, but the 5 s window never holds 60 requests.
    await emitSeconds(
      ctx,
      Array.from({ length: 30 }, () => ({ requests: 10, errors: 10 })),
    );
    expect(watch.settled()).toBe(false);
    expect(ctx.logs.filter((line) => line.includes('no data'))).toHaveLength(1); // once per stretch
    expect(ctx.logs[0]).toContain('10 requests over 5s (< minRequests 60)');

    await emitSeconds(ctx, [{ requests: 60, errors: 60 }]);
    const detection = await watch.promise;
    expect(detection.observed.noDataEvaluations).toBe(30);
    expect(detection.observed.evaluations).toBe(31);
    expect(ctx.logs.some((line) => line.includes('data again'))).toBe(true);
  });

  it('treats an empty window as no data even with minRequests 0', async () => {
    const ctx = new TestContext();
    const watch = track(detector({ minRequests: 0 }).watch(ctx));
    await emitSeconds(
      ctx,
      Array.from({ length: 8 }, () => ({ requests: 0 })),
    );
    expect(watch.settled()).toBe(false);
    ctx.controller.abort();
    await expect(watch.promise).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fires when a latency SLO percentile over the window exceeds its threshold', async () => {
    const ctx = new TestContext({ availability: 0.99, latency: [{ percentile: 95, threshold: 300 }] });
    const watch = track(detector({ window: '5s' }).watch(ctx));
    await emitSeconds(
      ctx,
      Array.from({ length: 6 }, () => ({ requests: 100, latencyMs: 50 })),
    );
    // 10 slow requests per second: 2%, 4% of the window are over 300 ms — p95 still fine.
    const slow = { requests: 100, latencyMs: 50, slow: 10, slowMs: 500 };
    await emitSeconds(ctx, [slow, slow]);
    expect(watch.settled()).toBe(false);
    await emitSeconds(ctx, [slow]); // 30/500 = 6% over 300 ms: p95 is now 500 ms
    const detection = await watch.promise;
    expect(detection.atMs).toBe(9000);
    expect(detection.reason).toBe('p95 latency 500ms > 300ms over 5s (500 requests)');
    expect(detection.observed.p95LatencyMs).toBeGreaterThan(499);
    expect(detection.observed.p95LatencyMs).toBeLessThan(501);
  });

  it('rejects with an AbortError and unsubscribes when the drill aborts', async () => {
    const ctx = new TestContext();
    const watch = track(detector().watch(ctx));
    await emitSeconds(ctx, [{ requests: 100 }]);
    expect(ctx.subscribers).toBe(1);
    ctx.controller.abort();
    await expect(watch.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(ctx.subscribers).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const ctx = new TestContext();
    ctx.controller.abort();
    await expect(detector().watch(ctx)).rejects.toMatchObject({ name: 'AbortError' });
    expect(ctx.subscribers).toBe(0);
  });

  it('describes its settings and its 1 s resolution', () => {
    const description = detector({ window: '10s', minRequests: 50 }).describe();
    expect(description.kind).toBe('threshold');
    expect(description.settings).toMatchObject({ window: 10_000, minRequests: 50 });
    expect(description.settings.firesWhen).toContain('1 − availability');
    expect(description.settings.noData).toContain('never a detection');
    expect(description.observation).toEqual({
      method:
        'evaluated on 1 s SLI samples over a 10s window; detection time = end of the sample that crossed',
      resolutionSeconds: 1,
    });
  });

  it('is what the registry builds for type: threshold, with the schema defaults', () => {
    const built = createDetector(detectionConfig.parse({ type: 'threshold' }));
    expect(built).toBeInstanceOf(ThresholdDetector);
    expect(built.describe().settings).toMatchObject({ window: 5000, minRequests: 20 });
  });
});

describe('threshold detector, right after the fault starts', () => {
  it("fills the window's unwatched part with the baseline's traffic, so one early error is not an alarm", async () => {
    // Baseline: 100 rps with 0.2% errors. One second in, the 5 s window is 100 watched requests
    // plus 400 at the baseline's rate (0.8 errors).
    const calm = new TestContext({ availability: 0.995, latency: [] });
    const calmWatch = track(detector({ window: '5s' }).watch(calm));
    await emitSeconds(calm, [{ requests: 100, errors: 1 }]); // (1 + 0.8) / 500 = 0.36%: not 1%
    expect(calmWatch.settled()).toBe(false);
    calm.controller.abort();
    await expect(calmWatch.promise).rejects.toMatchObject({ name: 'AbortError' });

    const ctx = new TestContext({ availability: 0.995, latency: [] });
    const watch = track(detector({ window: '5s' }).watch(ctx));
    await emitSeconds(ctx, [{ requests: 100, errors: 3 }]); // (3 + 0.8) / 500 = 0.76%
    const detection = await watch.promise;
    expect(detection.atMs).toBe(1000);
    expect(detection.reason).toBe(
      "error ratio 0.76% > 0.5% over 5s (100 requests + 400 at the baseline's rate before watching began)",
    );
    expect(detection.observed).toMatchObject({ requests: 100, errors: 3, baselineFillRequests: 400 });
  });

  it('takes latency percentiles over what was watched, and says so', async () => {
    const ctx = new TestContext({ availability: 0.99, latency: [{ percentile: 95, threshold: 300 }] });
    const watch = track(detector({ window: '5s' }).watch(ctx));
    await emitSeconds(ctx, [
      { requests: 40, latencyMs: 50 },
      { requests: 40, latencyMs: 50, slow: 10, slowMs: 700 },
    ]);
    const detection = await watch.promise;
    expect(detection.reason).toBe('p95 latency 700ms > 300ms over the 2s watched so far (80 requests)');
  });
});
