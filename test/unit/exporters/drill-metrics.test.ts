import { describe, expect, it } from 'vitest';
import { createDrillMetrics, DURATION_BUCKETS_SECONDS } from '../../../exporters/prometheus/drill-metrics.js';
import { recordRunMetrics } from '../../../exporters/prometheus/record-run.js';
import { findSamples, parseExposition, sampleValue, type Exposition } from '../../support/exposition.js';
import { FIXTURE_RUN_ID, makeFailedRollbackRecord, makeRunRecord } from '../../support/fixtures.js';

const BASE = {
  scenario: 'checkout-bad-release',
  service: 'shop',
  environment: 'staging',
  team: 'payments',
  fault_kind: 'release',
};
const BASE_LABEL_NAMES = Object.keys(BASE).sort();

async function expose(
  ...records: Parameters<typeof recordRunMetrics>[1][]
): Promise<{ text: string; exposition: Exposition }> {
  const metrics = createDrillMetrics();
  for (const record of records) recordRunMetrics(metrics, record);
  const text = await metrics.registry.metrics();
  return { text, exposition: parseExposition(text) };
}

describe('drill metrics from a run record', () => {
  it('names every family with the rollback_drill_ prefix and the documented types', async () => {
    const { exposition } = await expose(makeRunRecord());
    expect(exposition.types).toEqual({
      rollback_drill_time_to_detect_seconds: 'histogram',
      rollback_drill_time_to_decide_seconds: 'histogram',
      rollback_drill_time_to_rollback_seconds: 'histogram',
      rollback_drill_time_to_recover_seconds: 'histogram',
      rollback_drill_runs_total: 'counter',
      rollback_drill_rollbacks_total: 'counter',
      rollback_drill_objective_misses_total: 'counter',
      rollback_drill_info: 'gauge',
      rollback_drill_slo_availability_ratio: 'gauge',
      rollback_drill_slo_latency_threshold_seconds: 'gauge',
      rollback_drill_live_requests_per_second: 'gauge',
      rollback_drill_live_error_ratio: 'gauge',
      rollback_drill_live_latency_seconds: 'gauge',
      rollback_drill_in_progress: 'gauge',
      rollback_drill_last_run_timestamp_seconds: 'gauge',
      rollback_drill_last_success_timestamp_seconds: 'gauge',
      rollback_drill_last_run_duration_seconds: 'gauge',
      rollback_drill_last_run_result: 'gauge',
      rollback_drill_last_run_measurement_seconds: 'gauge',
      rollback_drill_phase_timestamp_seconds: 'gauge',
      rollback_drill_event_timestamp_seconds: 'gauge',
      rollback_drill_window_availability_ratio: 'gauge',
      rollback_drill_window_error_ratio: 'gauge',
      rollback_drill_window_latency_seconds: 'gauge',
      rollback_drill_post_rollback_delta_availability_ratio: 'gauge',
      rollback_drill_post_rollback_delta_error_ratio: 'gauge',
      rollback_drill_post_rollback_delta_latency_seconds: 'gauge',
      rollback_drill_objective_met: 'gauge',
      rollback_drill_objective_target_seconds: 'gauge',
    });
    for (const [name, help] of Object.entries(exposition.help)) expect(help.length, name).toBeGreaterThan(10);
  });

  it('observes each measurement once in its histogram, in seconds, with the fixed buckets', async () => {
    const { exposition } = await expose(makeRunRecord());
    const detect = 'rollback_drill_time_to_detect_seconds';
    expect(sampleValue(exposition, `${detect}_count`, BASE)).toBe(1);
    expect(sampleValue(exposition, `${detect}_sum`, BASE)).toBe(3.2);
    expect(sampleValue(exposition, `${detect}_bucket`, { ...BASE, le: '2.5' })).toBe(0);
    expect(sampleValue(exposition, `${detect}_bucket`, { ...BASE, le: '5' })).toBe(1);
    const buckets = findSamples(exposition, `${detect}_bucket`, BASE).map((s) => s.labels['le']);
    expect(buckets).toEqual([...DURATION_BUCKETS_SECONDS.map(String), '+Inf']);
    expect(DURATION_BUCKETS_SECONDS[0]).toBeLessThanOrEqual(1);
    expect(DURATION_BUCKETS_SECONDS.at(-1)).toBe(3600);
    expect(sampleValue(exposition, 'rollback_drill_time_to_decide_seconds_sum', BASE)).toBe(0);
    expect(sampleValue(exposition, 'rollback_drill_time_to_rollback_seconds_sum', BASE)).toBe(2.4);
    expect(sampleValue(exposition, 'rollback_drill_time_to_recover_seconds_sum', BASE)).toBe(7.05);
  });

  it('counts runs by result and rollbacks by outcome, every series created at 0', async () => {
    const { exposition } = await expose(makeRunRecord(), makeRunRecord(), makeFailedRollbackRecord());
    const runs = (result: string) =>
      sampleValue(exposition, 'rollback_drill_runs_total', { ...BASE, result });
    expect([runs('passed'), runs('failed'), runs('aborted'), runs('interrupted')]).toEqual([2, 1, 0, 0]);
    const rollbacks = (outcome: string) =>
      sampleValue(exposition, 'rollback_drill_rollbacks_total', { ...BASE, outcome });
    expect(rollbacks('succeeded')).toBe(2);
    expect(rollbacks('failed')).toBe(1);
    const misses = (objective: string) =>
      sampleValue(exposition, 'rollback_drill_objective_misses_total', { ...BASE, objective });
    expect(misses('time_to_recover')).toBe(1);
    expect(misses('time_to_detect')).toBe(0);
    expect(sampleValue(exposition, 'rollback_drill_time_to_recover_seconds_count', BASE)).toBe(2);
    expect(sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_count', BASE)).toBe(3);
  });

  it('does not count a rollback for a drill that never started one', async () => {
    const undetected = makeRunRecord({
      result: 'failed',
      timeline: makeRunRecord().timeline.filter(
        (e) => !e.type.startsWith('rollback') && e.type !== 'recovered',
      ),
      measurements: {
        timeToDetectSeconds: null,
        timeToDecideSeconds: null,
        timeToRollbackSeconds: null,
        timeToRecoverSeconds: null,
        rollbackSucceeded: false,
        rollbackFailureReason: 'not detected',
      },
    });
    const { exposition } = await expose(undetected);
    expect(sampleValue(exposition, 'rollback_drill_rollbacks_total', { ...BASE, outcome: 'failed' })).toBe(0);
    expect(sampleValue(exposition, 'rollback_drill_rollbacks_total', { ...BASE, outcome: 'succeeded' })).toBe(
      0,
    );
    expect(sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_count', BASE)).toBe(0);
    expect(findSamples(exposition, 'rollback_drill_last_run_measurement_seconds')).toEqual([]);
  });

  it('writes the SLIs per window and the post-rollback delta in base units', async () => {
    const { exposition } = await expose(makeRunRecord());
    const win = (name: string, window: string, extra: Record<string, string> = {}) =>
      sampleValue(exposition, `rollback_drill_window_${name}`, { ...BASE, window, ...extra });
    expect(win('availability_ratio', 'baseline')).toBe(1);
    expect(win('error_ratio', 'fault')).toBeCloseTo(87 / 280, 12);
    expect(win('availability_ratio', 'post_rollback')).toBe(0.999);
    expect(win('latency_seconds', 'fault', { percentile: 'p95' })).toBeCloseTo(0.031, 12);
    expect(win('latency_seconds', 'baseline', { percentile: 'p99' })).toBeCloseTo(0.038, 12);
    expect(
      sampleValue(exposition, 'rollback_drill_post_rollback_delta_availability_ratio', BASE),
    ).toBeCloseTo(-0.001, 12);
    expect(sampleValue(exposition, 'rollback_drill_post_rollback_delta_error_ratio', BASE)).toBeCloseTo(
      0.001,
      12,
    );
    expect(
      sampleValue(exposition, 'rollback_drill_post_rollback_delta_latency_seconds', {
        ...BASE,
        percentile: 'p99',
      }),
    ).toBeCloseTo(0.002, 12);
  });

  it('leaves unmeasured windows and deltas absent instead of NaN', async () => {
    const record = makeRunRecord({
      windows: { postRollback: null },
      measurements: {
        postRollbackSliDelta: {
          availability: null,
          errorRatio: null,
          latencyP50Ms: null,
          latencyP95Ms: null,
          latencyP99Ms: null,
        },
      },
    });
    const { text, exposition } = await expose(record);
    expect(
      findSamples(exposition, 'rollback_drill_window_availability_ratio', { window: 'post_rollback' }),
    ).toEqual([]);
    expect(findSamples(exposition, 'rollback_drill_window_availability_ratio')).toHaveLength(2);
    expect(findSamples(exposition, 'rollback_drill_post_rollback_delta_latency_seconds')).toEqual([]);
    expect(text.toLowerCase()).not.toContain('nan');
  });

  it('stamps the last run, the last success and every phase edge from the record timeline', async () => {
    const passed = makeRunRecord();
    const { exposition } = await expose(
      passed,
      makeFailedRollbackRecord({ endedAt: '2026-11-22T07:00:00.000Z' }),
    );
    expect(sampleValue(exposition, 'rollback_drill_last_run_timestamp_seconds', BASE)).toBe(
      Date.parse('2026-11-22T07:00:00.000Z') / 1000,
    );
    // The failed run does not move the last success.
    expect(sampleValue(exposition, 'rollback_drill_last_success_timestamp_seconds', BASE)).toBe(
      Date.parse(passed.endedAt) / 1000,
    );
    expect(sampleValue(exposition, 'rollback_drill_last_run_result', { ...BASE, result: 'failed' })).toBe(1);
    expect(sampleValue(exposition, 'rollback_drill_last_run_result', { ...BASE, result: 'passed' })).toBe(0);
    for (const event of passed.timeline.filter(
      (e) => e.type === 'phase.started' || e.type === 'phase.ended',
    )) {
      const edge = event.type === 'phase.started' ? 'start' : 'end';
      expect(
        sampleValue(exposition, 'rollback_drill_phase_timestamp_seconds', {
          ...BASE,
          phase: event.phase ?? '',
          edge,
        }),
      ).toBe(Date.parse(event.at) / 1000);
    }
    expect(findSamples(exposition, 'rollback_drill_phase_timestamp_seconds')).toHaveLength(16);
    const detected = passed.timeline.find((e) => e.type === 'detected');
    expect(
      sampleValue(exposition, 'rollback_drill_event_timestamp_seconds', { ...BASE, event: 'detected' }),
    ).toBe(Date.parse(detected?.at ?? '') / 1000);
  });

  it('records objectives met and their targets', async () => {
    const { exposition } = await expose(makeFailedRollbackRecord());
    expect(
      sampleValue(exposition, 'rollback_drill_objective_met', { ...BASE, objective: 'time_to_recover' }),
    ).toBe(0);
    expect(
      sampleValue(exposition, 'rollback_drill_objective_met', { ...BASE, objective: 'time_to_detect' }),
    ).toBe(1);
    expect(
      sampleValue(exposition, 'rollback_drill_objective_target_seconds', {
        ...BASE,
        objective: 'time_to_rollback',
      }),
    ).toBe(900);
  });

  it('never puts a run id in a label: every series carries only the scenario labels and its own', async () => {
    const { text, exposition } = await expose(
      makeRunRecord(),
      makeFailedRollbackRecord({ runId: 'run-2-unique-4242' }),
    );
    expect(text).not.toContain(FIXTURE_RUN_ID);
    expect(text).not.toContain('run-2-unique-4242');
    expect(text).not.toContain('7f3a9c');
    const allowedExtra = new Set([
      'le',
      'result',
      'outcome',
      'objective',
      'measurement',
      'phase',
      'edge',
      'event',
      'window',
      'percentile',
      'target_type',
      'detector',
      'decision',
    ]);
    for (const sample of exposition.samples) {
      const names = Object.keys(sample.labels);
      expect(names.filter((n) => !allowedExtra.has(n)).sort(), sample.name).toEqual(BASE_LABEL_NAMES);
    }
  });

  it('keeps scenarios apart by their labels', async () => {
    const other = makeRunRecord({
      scenario: { name: 'search-latency', service: 'search', team: 'discovery' },
      fault: { kind: 'toxic' },
    });
    const { exposition } = await expose(makeRunRecord(), other);
    const runs = findSamples(exposition, 'rollback_drill_runs_total', { result: 'passed' });
    expect(runs.map((s) => [s.labels['scenario'], s.labels['fault_kind'], s.value])).toEqual([
      ['checkout-bad-release', 'release', 1],
      ['search-latency', 'toxic', 1],
    ]);
  });
});

describe('what the scenario is: info and SLOs', () => {
  it('exports one info series per scenario with the target type, detector and decision kinds', async () => {
    const { exposition } = await expose(makeRunRecord());
    expect(findSamples(exposition, 'rollback_drill_info')).toEqual([
      {
        name: 'rollback_drill_info',
        labels: { ...BASE, target_type: 'embedded', detector: 'threshold', decision: 'auto' },
        value: 1,
      },
    ]);
  });

  it('replaces the info series when the detector changes, instead of keeping both', async () => {
    const first = makeRunRecord();
    const second = makeRunRecord({ detector: { kind: 'burn-rate' }, decision: { kind: 'manual' } });
    const { exposition } = await expose(first, second);
    const info = findSamples(exposition, 'rollback_drill_info');
    expect(info.map((s) => [s.labels['detector'], s.labels['decision']])).toEqual([['burn-rate', 'manual']]);
  });

  it("exports the scenario's SLOs in base units, one latency series per percentile", async () => {
    const record = makeRunRecord({
      scenario: {
        spec: {
          slos: {
            availability: 0.999,
            latency: [
              { percentile: 95, threshold: 300 },
              { percentile: 99.9, threshold: 1500 },
            ],
          },
        },
      },
    });
    const { exposition } = await expose(record);
    expect(sampleValue(exposition, 'rollback_drill_slo_availability_ratio', BASE)).toBe(0.999);
    const latency = findSamples(exposition, 'rollback_drill_slo_latency_threshold_seconds', BASE);
    expect(latency.map((s) => [s.labels['percentile'], s.value])).toEqual([
      ['p95', 0.3],
      ['p99.9', 1.5],
    ]);
  });

  it('drops a latency SLO the next drill no longer has, and keeps SLOs when a record lacks them', async () => {
    const withP99 = makeRunRecord({
      scenario: {
        spec: {
          slos: { availability: 0.99, latency: [{ percentile: 99, threshold: 800 }] },
        },
      },
    });
    const base = makeRunRecord();
    const withoutSpec = { ...base, scenario: { ...base.scenario, spec: {} } };
    let { exposition } = await expose(withP99, makeRunRecord());
    expect(
      findSamples(exposition, 'rollback_drill_slo_latency_threshold_seconds').map(
        (s) => s.labels['percentile'],
      ),
    ).toEqual(['p95']);
    expect(sampleValue(exposition, 'rollback_drill_slo_availability_ratio', BASE)).toBe(0.995);
    ({ exposition } = await expose(makeRunRecord(), withoutSpec));
    expect(sampleValue(exposition, 'rollback_drill_slo_availability_ratio', BASE)).toBe(0.995);
  });

  it('never sets the live SLI gauges from a record: they exist only while a drill runs', async () => {
    const { exposition } = await expose(makeRunRecord());
    for (const name of ['requests_per_second', 'error_ratio', 'latency_seconds'])
      expect(findSamples(exposition, `rollback_drill_live_${name}`), name).toEqual([]);
  });
});

describe('ensureSeries', () => {
  it('creates counters and histograms at 0 once, and never resets them', async () => {
    const metrics = createDrillMetrics();
    metrics.ensureSeries(BASE);
    let exposition = parseExposition(await metrics.registry.metrics());
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...BASE, result: 'passed' })).toBe(0);
    expect(sampleValue(exposition, 'rollback_drill_rollbacks_total', { ...BASE, outcome: 'succeeded' })).toBe(
      0,
    );
    expect(sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_count', BASE)).toBe(0);
    expect(sampleValue(exposition, 'rollback_drill_in_progress', BASE)).toBe(0);

    recordRunMetrics(metrics, makeRunRecord());
    metrics.ensureSeries(BASE);
    exposition = parseExposition(await metrics.registry.metrics());
    expect(sampleValue(exposition, 'rollback_drill_time_to_detect_seconds_count', BASE)).toBe(1);
    expect(sampleValue(exposition, 'rollback_drill_runs_total', { ...BASE, result: 'passed' })).toBe(1);
  });
});
