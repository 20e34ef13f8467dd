import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { Timeline } from '../../../harness/runner/timeline.js';
import { createDrillMetrics } from '../../../exporters/prometheus/drill-metrics.js';
import { prometheusObserver } from '../../../exporters/prometheus/observer.js';
import { findSamples, parseExposition, sampleValue } from '../../support/exposition.js';
import { makeRunRecord, makeRunStartInfo } from '../../support/fixtures.js';

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
