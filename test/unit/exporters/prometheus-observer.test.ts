import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { Timeline } from '../../../harness/runner/timeline.js';
import { createDrillMetrics } from '../../../exporters/prometheus/drill-metrics.js';
import { prometheusObserver } from '../../../exporters/prometheus/observer.js';
import { findSamples, parseExposition, sampleValue } from '../../support/exposition.js';
import { scenarioSchema } from '../../../harness/scenario/model.js';
import { makeRunRecord, makeRunStartInfo, scenarioInput } from '../../support/fixtures.js';
import type { SliSample } from '../../../harness/traffic/sli.js';

const BASE = {
  scenario: 'checkout-bad-release',
  service: 'shop',
  environment: 'staging',
  team: 'payments',
  fault_kind: 'release',
};

describe('prometheusObserver', () => {
  it('shows the drill live: in progress, phase and event timestamps as they happen, totals at the end', async () => {
    const clock = new FakeClock(0);
    const metrics = createDrillMetrics();
    const observer = prometheusObserver(metrics);
    const timeline = new Timeline(clock);
    timeline.onEvent((e) => observer.event?.(e));
    const scrape = async () => parseExposition(await metrics.registry.metrics());

    observer.runStarted?.(makeRunStartInfo({ startedAtMs: 0, epochAtZeroMs: clock.toEpochMs(0) }));
    let exposition = await scrape();
    expect(sampleValue(exposition, 'rollback_drill_in_progress', BASE)).toBe(1);
    // Counters exist at 0 before anything is counted, so increase() sees the first drill.
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...BASE, result: 'passed' })).toBe(0);

    timeline.record('phase.started', 'baseline', { phase: 'baseline' });
    await clock.advance(2_500);
    timeline.record('phase.ended', 'baseline', { phase: 'baseline' });
    timeline.record('phase.started', 'fault', { phase: 'fault' });
    await clock.advance(400);
    timeline.record('fault.injected', 'candidate serving', { phase: 'fault' });
    exposition = await scrape();
    const epoch0 = clock.toEpochMs(0) / 1000;
    expect(
      sampleValue(exposition, 'rollback_drill_phase_timestamp_seconds', {
        ...BASE,
        phase: 'baseline',
        edge: 'start',
      }),
    ).toBe(epoch0);
    expect(
      sampleValue(exposition, 'rollback_drill_phase_timestamp_seconds', {
        ...BASE,
        phase: 'baseline',
        edge: 'end',
      }),
    ).toBe(epoch0 + 2.5);
    expect(
      sampleValue(exposition, 'rollback_drill_phase_timestamp_seconds', {
        ...BASE,
        phase: 'fault',
        edge: 'start',
      }),
    ).toBe(epoch0 + 2.5);
    expect(
      findSamples(exposition, 'rollback_drill_phase_timestamp_seconds', { phase: 'fault', edge: 'end' }),
    ).toEqual([]);
    expect(
      sampleValue(exposition, 'rollback_drill_event_timestamp_seconds', { ...BASE, event: 'fault_injected' }),
    ).toBeCloseTo(epoch0 + 2.9, 6);
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...BASE, result: 'passed' })).toBe(0);

    await observer.runFinished?.(makeRunRecord());
    exposition = await scrape();
    expect(sampleValue(exposition, 'rollback_drill_in_progress', BASE)).toBe(0);
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...BASE, result: 'passed' })).toBe(1);
    expect(observer.lastError()).toBeUndefined();
  });

  it("forgets the previous drill's phase timestamps when the next drill of the scenario starts", async () => {
    const metrics = createDrillMetrics();
    const observer = prometheusObserver(metrics);
    observer.runStarted?.(makeRunStartInfo());
    await observer.runFinished?.(makeRunRecord());
    expect(
      findSamples(
        parseExposition(await metrics.registry.metrics()),
        'rollback_drill_phase_timestamp_seconds',
      ),
    ).toHaveLength(16);

    observer.runStarted?.(makeRunStartInfo({ runId: 'second' }));
    const exposition = parseExposition(await metrics.registry.metrics());
    expect(findSamples(exposition, 'rollback_drill_phase_timestamp_seconds')).toEqual([]);
    expect(findSamples(exposition, 'rollback_drill_event_timestamp_seconds')).toEqual([]);
    // Totals survive.
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...BASE, result: 'passed' })).toBe(1);
  });

  it('exports the info and SLOs from the scenario as the drill starts', async () => {
    const metrics = createDrillMetrics();
    const observer = prometheusObserver(metrics);
    const scenario = scenarioSchema.parse({
      ...scenarioInput({
        slos: { availability: '99.9%', latency: [{ percentile: 99, threshold: '750ms' }] },
      }),
      detection: { type: 'burn-rate' },
    });
    observer.runStarted?.(makeRunStartInfo({ scenario }));
    const exposition = parseExposition(await metrics.registry.metrics());
    expect(findSamples(exposition, 'rollback_drill_info').map((s) => s.labels)).toEqual([
      { ...BASE, target_type: 'embedded', detector: 'burn-rate', decision: 'auto' },
    ]);
    // "99.9%" parses to 0.999 within a float's rounding (99.9 / 100).
    expect(sampleValue(exposition, 'rollback_drill_slo_availability_ratio', BASE)).toBeCloseTo(0.999, 12);
    expect(
      sampleValue(exposition, 'rollback_drill_slo_latency_threshold_seconds', { ...BASE, percentile: 'p99' }),
    ).toBe(0.75);
    expect(observer.lastError()).toBeUndefined();
  });

  it('shows each one-second SLI sample while the drill runs and removes them when it ends', async () => {
    const metrics = createDrillMetrics();
    const observer = prometheusObserver(metrics);
    const scrape = async () => parseExposition(await metrics.registry.metrics());
    const sample = (overrides: Partial<SliSample>): SliSample => ({
      startMs: 0,
      durationMs: 1000,
      requests: 50,
      errors: 0,
      dropped: 0,
      errorsByClass: {},
      latencyMs: { p50: 12, p90: 30, p95: 41, p99: 80, max: 95 },
      latencyHistogram: null,
      ...overrides,
    });
    observer.sample?.(sample({}));
    expect(findSamples(await scrape(), 'rollback_drill_live_requests_per_second')).toEqual([]);

    observer.runStarted?.(makeRunStartInfo());
    observer.sample?.(sample({ requests: 40, errors: 10 }));
    let exposition = await scrape();
    expect(sampleValue(exposition, 'rollback_drill_live_requests_per_second', BASE)).toBe(40);
    expect(sampleValue(exposition, 'rollback_drill_live_error_ratio', BASE)).toBe(0.25);
    expect(
      sampleValue(exposition, 'rollback_drill_live_latency_seconds', { ...BASE, percentile: 'p95' }),
    ).toBe(0.041);
    expect(findSamples(exposition, 'rollback_drill_live_latency_seconds')).toHaveLength(3);

    // A second with nothing completed: a rate of 0, and no ratio or latency to show.
    observer.sample?.(sample({ startMs: 1000, requests: 0, latencyMs: null }));
    exposition = await scrape();
    expect(sampleValue(exposition, 'rollback_drill_live_requests_per_second', BASE)).toBe(0);
    expect(findSamples(exposition, 'rollback_drill_live_error_ratio')).toEqual([]);
    expect(findSamples(exposition, 'rollback_drill_live_latency_seconds')).toEqual([]);

    observer.sample?.(sample({ startMs: 2000, durationMs: 500, requests: 30, errors: 3 }));
    exposition = await scrape();
    expect(sampleValue(exposition, 'rollback_drill_live_requests_per_second', BASE)).toBe(60);
    expect(sampleValue(exposition, 'rollback_drill_live_error_ratio', BASE)).toBe(0.1);

    await observer.runFinished?.(makeRunRecord());
    exposition = await scrape();
    for (const name of ['requests_per_second', 'error_ratio', 'latency_seconds'])
      expect(findSamples(exposition, `rollback_drill_live_${name}`), name).toEqual([]);
    expect(observer.lastError()).toBeUndefined();
  });

  it('ignores events before runStarted and never throws', async () => {
    const metrics = createDrillMetrics();
    const observer = prometheusObserver(metrics);
    expect(() =>
      observer.event?.({ type: 'phase.started', atMs: 0, phase: 'setup', message: 'x' }),
    ).not.toThrow();
    expect(
      findSamples(
        parseExposition(await metrics.registry.metrics()),
        'rollback_drill_phase_timestamp_seconds',
      ),
    ).toEqual([]);
  });
});
