import { describe, expect, it } from 'vitest';
import { ArgoStyleDetector } from '../../../harness/detectors/argo-style.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { argoStyleDetectorConfig, detectionConfig } from '../../../harness/scenario/schema/detection.js';
import { baselineSli, flush, sliSample, TestContext, track, type SampleSpec } from './fixtures.js';

const SLOS = { availability: 0.99, latency: [] };
const CLEAN_BASELINE = baselineSli({ errors: 0, errorRatio: 0, availability: 1 });

function detector(overrides: Record<string, unknown> = {}): ArgoStyleDetector {
  return new ArgoStyleDetector(argoStyleDetectorConfig.parse({ type: 'argo-style', ...overrides }));
}

async function emit(ctx: TestContext, specs: readonly SampleSpec[], stopWhen: () => boolean = () => false) {
  for (const spec of specs) {
    const startMs = ctx.clock.now();
    await ctx.clock.advance(1000);
    ctx.emitSample(sliSample(startMs, spec));
    await flush();
    if (stopWhen()) return;
  }
}

const clean = (seconds: number): SampleSpec[] => Array.from({ length: seconds }, () => ({ requests: 100 }));
const failing = (seconds: number): SampleSpec[] =>
  Array.from({ length: seconds }, () => ({ requests: 100, errors: 50 }));

describe('argo-style analysis', () => {
  it('fails on the first measurement whose window error ratio exceeds the budget (failureLimit 0)', async () => {
    const ctx = new TestContext(SLOS, CLEAN_BASELINE);
    const watch = track(detector({ scrapeInterval: '0s' }).watch(ctx));
    // 5% errors from the start: the 60 s window (baseline before it) is 0.83% at 10 s, 1.67% at 20 s.
    await emit(
      ctx,
      Array.from({ length: 40 }, () => ({ requests: 100, errors: 5 })),
      watch.settled,
    );
    const detection = await watch.promise;
    expect(detection.atMs).toBe(20_000);
    expect(detection.reason).toBe(
      '1 failed measurement > failureLimit 0 (a measurement every 10s over a 1m window, on fresh data): ' +
        'error ratio 1.7% > 1.0% (6000 requests in the window)',
    );
    // Measurements at 0 s (all baseline), 10 s and 20 s.
    expect(detection.observed).toMatchObject({ measurements: 3, failures: 1, inconclusiveMeasurements: 0 });
  });

  it('waits for failureLimit + 1 failed measurements', async () => {
    const ctx = new TestContext(SLOS, CLEAN_BASELINE);
    const watch = track(detector({ scrapeInterval: '0s', failureLimit: 2 }).watch(ctx));
    await emit(
      ctx,
      Array.from({ length: 60 }, () => ({ requests: 100, errors: 5 })),
      watch.settled,
    );
    expect((await watch.promise).atMs).toBe(40_000); // failures at 20, 30, 40 s
  });

  it('sees only data as of the last scrape', async () => {
    // Errors start at 14 s. Fresh data: the measurement at 20 s holds 6 bad seconds (5%) and fails.
    const fresh = new TestContext(SLOS, CLEAN_BASELINE);
    const freshWatch = track(detector({ scrapeInterval: '0s' }).watch(fresh));
    await emit(fresh, [...clean(14), ...failing(30)], freshWatch.settled);
    expect((await freshWatch.promise).atMs).toBe(20_000);
    // Scraped every 15 s: at 20 s the data ends at 15 s (one bad second, 0.83%); fails at 30 s.
    const scraped = new TestContext(SLOS, CLEAN_BASELINE);
    const scrapedWatch = track(detector({ scrapeInterval: '15s' }).watch(scraped));
    await emit(scraped, [...clean(14), ...failing(30)], scrapedWatch.settled);
    expect((await scrapedWatch.promise).atMs).toBe(30_000);
  });

  it('honours initialDelay as the offset of the measurement grid', async () => {
    const ctx = new TestContext(SLOS, CLEAN_BASELINE);
    const watch = track(detector({ scrapeInterval: '0s', initialDelay: '7s' }).watch(ctx));
    await emit(ctx, [...clean(14), ...failing(30)], watch.settled);
    expect((await watch.promise).atMs).toBe(17_000); // measurements at 7, 17 s: 3 bad seconds = 2.5%
  });

  it('fails a measurement on a latency SLO percentile', async () => {
    const ctx = new TestContext(
      { availability: 0.99, latency: [{ percentile: 95, threshold: 300 }] },
      CLEAN_BASELINE,
    );
    const watch = track(detector({ scrapeInterval: '0s', window: '10s' }).watch(ctx));
    const fast = { requests: 50, latencyMs: 40 };
    const slow = { requests: 50, latencyMs: 40, slow: 25, slowMs: 800 };
    await emit(
      ctx,
      [...Array.from({ length: 12 }, () => fast), ...Array.from({ length: 20 }, () => slow)],
      watch.settled,
    );
    const detection = await watch.promise;
    expect(detection.atMs).toBe(20_000);
    expect(detection.reason).toContain('p95 latency 800ms > 300ms');
  });

  it('treats a window below minRequests as inconclusive, never a failure', async () => {
    // A quiet service: 1 request per second before and after the fault.
    const ctx = new TestContext(
      SLOS,
      baselineSli({ requests: 10, errors: 0, errorRatio: 0, availability: 1 }),
    );
    const watch = track(detector({ scrapeInterval: '0s', minRequests: 100 }).watch(ctx));
    await emit(
      ctx,
      Array.from({ length: 120 }, () => ({ requests: 1, errors: 1 })),
    );
    expect(watch.settled()).toBe(false);
    expect(ctx.logs.some((line) => line.includes('no data'))).toBe(true);
    ctx.controller.abort();
    await expect(watch.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(ctx.subscribers).toBe(0);
  });

  it('describes its cadence and resolution', () => {
    const built = createDetector(detectionConfig.parse({ type: 'argo-style' }));
    expect(built).toBeInstanceOf(ArgoStyleDetector);
    const description = built.describe();
    expect(description.settings).toMatchObject({
      interval: 10_000,
      window: 60_000,
      failureLimit: 0,
      scrapeInterval: 15_000,
    });
    expect(description.observation).toEqual({
      method:
        'Argo-Rollouts-style analysis: a measurement every 10s over a 1m window, on data as of the last 15s scrape; ' +
        'detection time = the failing measurement',
      resolutionSeconds: 10,
    });
  });
});
