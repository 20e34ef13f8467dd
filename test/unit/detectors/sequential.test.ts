import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/core/errors.js';
import { createDetector } from '../../../harness/detectors/registry.js';
import { SequentialDetector } from '../../../harness/detectors/sequential.js';
import { exceedanceUpperBound, planSequential } from '../../../harness/detectors/sequential-plan.js';
import { detectionConfig, sequentialDetectorConfig } from '../../../harness/scenario/schema/detection.js';
import { baselineSli, flush, outcome, TestContext, track } from './fixtures.js';

function config(overrides: Record<string, unknown> = {}) {
  return sequentialDetectorConfig.parse({ type: 'sequential', ...overrides });
}

describe('sequential plan', () => {
  it('derives p0 from the floor, p1 from the budget and h from the false-alarm rate and baseline rate', () => {
    // Baseline: 1000 requests in 10 s (100 rps), 0.2% errors — below the floor of half the 1% budget.
    const plan = planSequential(config(), { availability: 0.99, latency: [] }, baselineSli());
    expect(plan.requestRate).toBe(100);
    expect(plan.arl0Requests).toBeCloseTo(3.6e8, 0); // 100 rps × 3600 s / 0.001 per hour
    expect(plan.threshold).toBeCloseTo(Math.log(3.6e8), 10);
    expect(plan.streams).toHaveLength(1);
    const [errors] = plan.streams;
    expect(errors).toMatchObject({ name: 'errors', p0: 0.005, p1: 0.1 });
    expect(errors?.p0Source).toContain('floor');
    expect(errors?.detectsAbove).toBeGreaterThan(0.03);
    expect(errors?.detectsAbove).toBeLessThan(0.035);
  });

  it('uses the baseline error ratio only when significantly above the floor; configured values win', () => {
    const slos = { availability: 0.99, latency: [] };
    // Floor 0.5% of 1000 requests predicts 5 errors: 8 is noise, 15 is not.
    const noisy = baselineSli({ errors: 8, errorRatio: 0.008 });
    expect(planSequential(config(), slos, noisy).streams[0]).toMatchObject({ p0: 0.005 });
    expect(planSequential(config(), slos, noisy).streams[0]?.p0Source).toMatch(
      /^floor \(baseline 8\/1000 is consistent/,
    );
    const high = baselineSli({ errors: 15, errorRatio: 0.015 });
    expect(planSequential(config(), slos, high).streams[0]).toMatchObject({ p0: 0.015 });
    const set = planSequential(
      config({ baselineErrorRatio: '0.1%', minDetectableErrorRatio: '5%', arl0Requests: 1e6 }),
      slos,
      noisy,
    );
    expect(set.streams[0]).toMatchObject({ p0: 0.001, p1: 0.05 });
    expect(set.threshold).toBeCloseTo(Math.log(1e6), 10);
    expect(set.requestRate).toBeNull();
  });

  it('adds one stream per latency SLO and splits the false-alarm rate between streams', () => {
    const slos = { availability: 0.995, latency: [{ percentile: 95, threshold: 300 }] };
    const plan = planSequential(config({ arl0Requests: 1e6 }), slos, baselineSli());
    expect(plan.streams.map((s) => s.name)).toEqual(['errors', 'p95 latency > 300ms']);
    expect(plan.threshold).toBeCloseTo(Math.log(2e6), 10);
    // Baseline p99 (60 ms) ≤ 300 ms: at most 1% exceed, below the floor of half the 5% budget.
    expect(plan.streams[1]).toMatchObject({ p0: 0.025, p1: 0.2, latencyThresholdMs: 300 });
    expect(
      planSequential(config({ arl0Requests: 1e6, latency: false }), slos, baselineSli()).streams,
    ).toHaveLength(1);
  });

  it('bounds the baseline exceedance share from its summary percentiles', () => {
    const summary = { p50: 100, p90: 200, p95: 250, p99: 400, max: 900 };
    expect(exceedanceUpperBound(summary, 1000)).toBe(0);
    expect(exceedanceUpperBound(summary, 400)).toBe(0.01);
    expect(exceedanceUpperBound(summary, 300)).toBe(0.05);
    expect(exceedanceUpperBound(summary, 210)).toBe(0.1);
    expect(exceedanceUpperBound(summary, 150)).toBe(0.5);
    expect(exceedanceUpperBound(summary, 50)).toBe(1);
    expect(exceedanceUpperBound(null, 50)).toBeNull();
  });

  it('aims past a baseline that is already at the tuned p1, and says so', () => {
    const plan = planSequential(
      config({ arl0Requests: 1e6 }),
      { availability: 0.99, latency: [] },
      baselineSli({ errors: 150, errorRatio: 0.15 }),
    );
    expect(plan.streams[0]).toMatchObject({ p0: 0.15, p1: 0.3 });
    expect(plan.notes[0]).toContain('aiming at 30.0%');
  });

  it('needs a rate to turn false alarms per hour into requests', () => {
    const quiet = baselineSli({ requests: 0, errors: 0, errorRatio: null, availability: null });
    expect(() => planSequential(config(), { availability: 0.99, latency: [] }, quiet)).toThrow(UserError);
    expect(
      planSequential(config({ requestRate: 50 }), { availability: 0.99, latency: [] }, quiet).arl0Requests,
    ).toBe(1.8e8);
  });
});

describe('sequential detector', () => {
  // p0 = 1%, p1 = 10%: an error adds ln 10 ≈ 2.30, a success ln(0.9/0.99) ≈ −0.095; h = ln 900 ≈ 6.80.
  const tuned = { baselineErrorRatio: '1%', minDetectableErrorRatio: '10%', arl0Requests: 900 };

  it('fires on the request that takes the CUSUM across h, and not before', async () => {
    const ctx = new TestContext({ availability: 0.98, latency: [] });
    const watch = track(new SequentialDetector(config(tuned)).watch(ctx));
    let t = 0;
    for (let i = 0; i < 50; i++) ctx.emitOutcome(outcome((t += 10)));
    ctx.emitOutcome(outcome((t += 10), { error: true }));
    ctx.emitOutcome(outcome((t += 10)));
    ctx.emitOutcome(outcome((t += 10), { error: true })); // 2 × 2.30 − 0.095 = 4.51
    await flush();
    expect(watch.settled()).toBe(false);
    ctx.emitOutcome(outcome((t += 10), { error: true })); // 6.81 ≥ 6.80
    const detection = await watch.promise;
    expect(detection.atMs).toBe(t);
    expect(detection.reason).toMatch(
      /^errors: CUSUM 6\.8 ≥ h 6\.8 after 54 requests \(3 errors in the last 4; p0 1\.0% → p1 10\.0%; per-request CUSUM; fires on the request that crosses h\)$/,
    );
    expect(detection.observed).toMatchObject({ requests: 54, errorsEvents: 3, errorsRequestsSinceChange: 4 });
    expect(ctx.subscribers).toBe(0);
  });

  it('watches latency SLO exceedances with a CUSUM of their own', async () => {
    const ctx = new TestContext({ availability: 0.98, latency: [{ percentile: 99, threshold: 250 }] });
    const detector = new SequentialDetector(config({ ...tuned, minDetectableLatencyExceedance: '10%' }));
    const watch = track(detector.watch(ctx));
    let t = 0;
    for (let i = 0; i < 20; i++) ctx.emitOutcome(outcome((t += 5), { latencyMs: 40 }));
    // p0 = half the 1% latency budget = 0.5%: each slow request adds ln 20 ≈ 3.0; h = ln(2 × 900) ≈ 7.5.
    for (let i = 0; i < 2; i++) ctx.emitOutcome(outcome((t += 5), { latencyMs: 900 }));
    await flush();
    expect(watch.settled()).toBe(false);
    ctx.emitOutcome(outcome((t += 5), { latencyMs: 900 }));
    const detection = await watch.promise;
    expect(detection.atMs).toBe(t);
    expect(detection.reason).toMatch(
      /^p99 latency > 250ms: CUSUM 9\.0 ≥ h 7\.5 after 23 requests \(3 over the threshold/,
    );
    expect(detection.observed.p99LatencyP0).toBe(0.005);
  });

  it('needs several errors however quiet the traffic: a lone error never fires', async () => {
    const ctx = new TestContext({ availability: 0.99, latency: [] });
    const watch = track(new SequentialDetector(config()).watch(ctx));
    // Defaults: p0 0.5%, p1 10%, h = ln(3.6e8) ≈ 19.7 → at least 7 errors in quick succession.
    let t = 0;
    for (let i = 0; i < 200; i++) ctx.emitOutcome(outcome((t += 1000), { error: i % 40 === 0 }));
    await flush();
    expect(watch.settled()).toBe(false);
    ctx.controller.abort();
    await expect(watch.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(ctx.subscribers).toBe(0);
  });

  it('rejects with the planning error when it cannot derive its threshold', async () => {
    const quiet = baselineSli({ requests: 0, errors: 0, errorRatio: null, availability: null });
    const ctx = new TestContext({ availability: 0.99, latency: [] }, quiet);
    await expect(new SequentialDetector(config()).watch(ctx)).rejects.toBeInstanceOf(UserError);
    expect(ctx.subscribers).toBe(0);
  });

  it('describes its settings, derived plan and per-request resolution', async () => {
    const detector = createDetector(detectionConfig.parse({ type: 'sequential', falseAlarmsPerHour: 0.01 }));
    expect(detector).toBeInstanceOf(SequentialDetector);
    const before = detector.describe();
    expect(before.settings).toMatchObject({ falseAlarmsPerHour: 0.01, latency: true });
    expect(before.settings.derived).toContain('baseline');
    expect(before.observation.method).toBe(
      'per-request CUSUM on request outcomes; fires on the request that crosses h',
    );

    const ctx = new TestContext({ availability: 0.99, latency: [{ percentile: 95, threshold: 300 }] });
    const watch = detector.watch(ctx);
    const after = detector.describe();
    expect(after.settings).toMatchObject({ arl0Requests: 3.6e7, requestRate: 100 });
    expect(after.settings.thresholdH).toBeCloseTo(Math.log(7.2e7), 10);
    expect(after.settings.streams).toEqual([
      expect.objectContaining({ name: 'errors', p0: 0.005, p1: 0.1, minEventsToFire: 7 }),
      expect.objectContaining({ name: 'p95 latency > 300ms', p0: 0.025, p1: 0.2 }),
    ]);
    ctx.controller.abort();
    await expect(watch).rejects.toMatchObject({ name: 'AbortError' });
  });
});
