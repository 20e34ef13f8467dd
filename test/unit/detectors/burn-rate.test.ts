import { describe, expect, it } from 'vitest';
import { BurnRateDetector, burnRateTiers } from '../../../harness/detectors/burn-rate.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { burnRateDetectorConfig, detectionConfig } from '../../../harness/scenario/schema/detection.js';
import { baselineSli, flush, sliSample, TestContext, track, type SampleSpec } from './fixtures.js';

// SLO 99%: a 1% error budget. Baseline: 100 rps, no errors, so windows reaching back before the
// fault hold 100 clean requests per second.
const SLOS = { availability: 0.99, latency: [] };
const CLEAN_BASELINE = baselineSli({ errors: 0, errorRatio: 0, availability: 1 });

function detector(overrides: Record<string, unknown> = {}): BurnRateDetector {
  return new BurnRateDetector(burnRateDetectorConfig.parse({ type: 'burn-rate', ...overrides }));
}

/** Emits `seconds` identical samples, one per second of fake time; returns the seconds emitted. */
async function emitFor(
  ctx: TestContext,
  seconds: number,
  spec: SampleSpec,
  stopWhen: () => boolean = () => false,
): Promise<number> {
  for (let i = 0; i < seconds; i++) {
    const startMs = ctx.clock.now();
    await ctx.clock.advance(1000);
    ctx.emitSample(sliSample(startMs, spec));
    await flush();
    if (stopWhen()) return i + 1;
  }
  return seconds;
}

describe('burn-rate detector', () => {
  it('fires on a high burn once the 1m window has filled with it (14.4x pair)', async () => {
    const ctx = new TestContext(SLOS, CLEAN_BASELINE);
    const watch = track(detector().watch(ctx));
    // 20% errors = 20x burn. The 60 s window holds 20k errors in 6000 requests after k seconds:
    // above 14.4% from k = 44 on; the 5 s window is at 20% by then.
    const seconds = await emitFor(ctx, 120, { requests: 100, errors: 20 }, watch.settled);
    expect(seconds).toBe(44);
    const detection = await watch.promise;
    expect(detection.atMs).toBe(44_000);
    expect(detection.reason).toBe(
      'burn rate 14.7x over 1m and 20.0x over 5s > 14.4x (error budget 1.0%; 500 requests in 5s)',
    );
    expect(ctx.subscribers).toBe(0);
  });

  it('catches a sustained medium burn through the slower pair (6x over 6m and 30s)', async () => {
    const ctx = new TestContext(SLOS, CLEAN_BASELINE);
    const watch = track(detector().watch(ctx));
    // 8% errors: never 14.4x; the 6 m window passes 6% after 8k/36000 > 0.06 → k = 271.
    const seconds = await emitFor(ctx, 400, { requests: 100, errors: 8 }, watch.settled);
    expect(seconds).toBe(271);
    const detection = await watch.promise;
    expect(detection.reason).toMatch(/^burn rate 6\.0x over 6m and 8\.0x over 30s > 6x/);
    expect(detection.observed.pair2LongErrorRatio).toBeGreaterThan(0.06);
  });

  it('does not fire on a slow, small burn', async () => {
    const ctx = new TestContext(SLOS, CLEAN_BASELINE);
    const watch = track(detector().watch(ctx));
    await emitFor(ctx, 900, { requests: 100, errors: 3 }); // 3x burn for 15 minutes
    expect(watch.settled()).toBe(false);
    ctx.controller.abort();
    await expect(watch.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(ctx.subscribers).toBe(0);
  });

  it('never fires on short windows below minRequests, however bad', async () => {
    const ctx = new TestContext(SLOS, CLEAN_BASELINE);
    const watch = track(detector({ minRequests: 100 }).watch(ctx));
    // 5 requests a second, all failing: the 5 s window holds 25, the 30 s one 150 — so only the
    // second pair can be evaluated, and its 6 m window needs time to fill.
    await emitFor(ctx, 20, { requests: 5, errors: 5 });
    expect(watch.settled()).toBe(false);
    expect(ctx.logs.filter((line) => line.includes('no data'))).toHaveLength(1);
    const seconds = await emitFor(ctx, 300, { requests: 5, errors: 5 }, watch.settled);
    const detection = await watch.promise;
    expect(detection.reason).toContain('over 30s > 6x');
    expect(detection.observed.noDataEvaluations).toBe(19); // until 100 requests in the 30 s window
    expect(20 + seconds).toBeGreaterThan(30);
  });

  it('uses long/12 when a pair gives no short window, and describes every pair', () => {
    const built = createDetector(
      detectionConfig.parse({ type: 'burn-rate', windows: [{ long: '2m', burnRate: 10 }] }),
    ) as BurnRateDetector;
    const description = built.describe();
    expect(description.settings.windows).toEqual([{ long: 120_000, short: 10_000, burnRate: 10 }]);
    expect(description.settings.firesWhen).toContain('10x over 2m and 10s');
    expect(description.observation.resolutionSeconds).toBe(1);
    expect(burnRateTiers(burnRateDetectorConfig.parse({ type: 'burn-rate' }))).toEqual([
      { longMs: 60_000, shortMs: 5_000, burnRate: 14.4 },
      { longMs: 360_000, shortMs: 30_000, burnRate: 6 },
    ]);
  });

  it('rejects a short window that is not shorter than the long one', () => {
    const result = detectionConfig.safeParse({
      type: 'burn-rate',
      windows: [{ long: '1m', short: '1m', burnRate: 5 }],
    });
    expect(result.success).toBe(false);
  });
});
