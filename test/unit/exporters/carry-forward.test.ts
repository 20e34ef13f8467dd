import { describe, expect, it } from 'vitest';
import { carryForward } from '../../../exporters/pushgateway/carry-forward.js';
import { parsePreviousGroup } from '../../../exporters/pushgateway/previous-group.js';
import type { MetricFamily } from '../../../exporters/prometheus/text-format.js';

const L = { scenario: 's', service: 'a', environment: 'e' };
const grouping = { job: 'rollback_drill', ...L };

/** The shape Pushgateway 1.5 answers on GET /api/v1/metrics (captured from a real one). */
function gatewayAnswer(families: Record<string, unknown>, labels = grouping): unknown {
  const gatewayLabels = { ...labels, instance: '' };
  return {
    status: 'success',
    data: [
      {
        labels: { job: 'other', scenario: 's', service: 'a', environment: 'e' },
        x_total: { type: 'COUNTER', metrics: [{ labels: {}, value: '99' }] },
      },
      {
        labels,
        last_push_successful: true,
        push_time_seconds: {
          time_stamp: '2026-11-22T05:53:22Z',
          type: 'GAUGE',
          metrics: [{ labels: gatewayLabels, value: '1.79e+09' }],
        },
        ...Object.fromEntries(
          Object.entries(families).map(([name, f]) => {
            const family = f as { metrics: { labels: Record<string, string> }[] };
            return [
              name,
              {
                ...family,
                metrics: family.metrics.map((m) => ({ ...m, labels: { ...gatewayLabels, ...m.labels } })),
              },
            ];
          }),
        ),
      },
    ],
  };
}

const runCounter: MetricFamily = {
  name: 'd_runs_total',
  help: 'runs',
  type: 'counter',
  samples: [
    { name: 'd_runs_total', labels: { ...L, result: 'passed' }, value: 1 },
    { name: 'd_runs_total', labels: { ...L, result: 'failed' }, value: 0 },
  ],
};
const runHistogram: MetricFamily = {
  name: 'd_seconds',
  help: 'h',
  type: 'histogram',
  samples: [
    { name: 'd_seconds_bucket', labels: { le: '1', ...L }, value: 0 },
    { name: 'd_seconds_bucket', labels: { le: '5', ...L }, value: 1 },
    { name: 'd_seconds_bucket', labels: { le: '+Inf', ...L }, value: 1 },
    { name: 'd_seconds_sum', labels: L, value: 3.2 },
    { name: 'd_seconds_count', labels: L, value: 1 },
  ],
};
const lastSuccess: MetricFamily = {
  name: 'd_last_success_timestamp_seconds',
  help: 'g',
  type: 'gauge',
  samples: [],
};
const lastRun: MetricFamily = {
  name: 'd_last_run_timestamp_seconds',
  help: 'g',
  type: 'gauge',
  samples: [{ name: 'd_last_run_timestamp_seconds', labels: L, value: 2000 }],
};

describe('reading a Pushgateway group', () => {
  it('finds the group with exactly our grouping labels and strips the labels the gateway adds', () => {
    const previous = parsePreviousGroup(
      gatewayAnswer({
        d_runs_total: {
          type: 'COUNTER',
          help: 'runs',
          metrics: [{ labels: { ...L, result: 'passed' }, value: '4' }],
        },
      }),
      grouping,
    );
    expect(previous).toEqual({
      status: 'found',
      families: [
        {
          name: 'd_runs_total',
          help: 'runs',
          type: 'counter',
          samples: [{ name: 'd_runs_total', labels: { ...L, result: 'passed' }, value: 4 }],
        },
      ],
    });
  });

  it('turns gateway histograms into bucket, sum and count samples', () => {
    const previous = parsePreviousGroup(
      gatewayAnswer({
        d_seconds: {
          type: 'HISTOGRAM',
          metrics: [{ labels: L, buckets: { '1': '1', '5': '2', '+Inf': '3' }, count: '3', sum: '12.5' }],
        },
      }),
      grouping,
    );
    expect(previous.status).toBe('found');
    if (previous.status !== 'found') return;
    expect(previous.families[0]?.samples.map((s) => [s.name, s.labels['le'] ?? null, s.value])).toEqual([
      ['d_seconds_bucket', '1', 1],
      ['d_seconds_bucket', '5', 2],
      ['d_seconds_bucket', '+Inf', 3],
      ['d_seconds_sum', null, 12.5],
      ['d_seconds_count', null, 3],
    ]);
  });

  it('reports an absent group and an unexpected answer', () => {
    expect(parsePreviousGroup({ status: 'success', data: [] }, grouping)).toEqual({ status: 'absent' });
    expect(parsePreviousGroup({ status: 'success', data: null }, grouping)).toEqual({ status: 'absent' });
    expect(parsePreviousGroup('<html>', grouping).status).toBe('unreadable');
  });
});

describe('carryForward', () => {
  it('adds previous counter totals, keeps series this run did not touch', () => {
    const previous: MetricFamily[] = [
      {
        ...runCounter,
        samples: [
          { name: 'd_runs_total', labels: { ...L, result: 'passed' }, value: 4 },
          { name: 'd_runs_total', labels: { ...L, result: 'failed' }, value: 2 },
          { name: 'd_runs_total', labels: { ...L, result: 'aborted', team: 'old' }, value: 1 },
        ],
      },
    ];
    const { families, notes } = carryForward([runCounter], previous);
    expect(families[0]?.samples.map((s) => [s.labels['result'], s.value])).toEqual([
      ['passed', 5],
      ['failed', 2],
      ['aborted', 1],
    ]);
    expect(notes).toEqual([]);
  });

  it('adds histogram buckets, sum and count when the buckets match', () => {
    const previous: MetricFamily[] = [
      {
        ...runHistogram,
        samples: [
          { name: 'd_seconds_bucket', labels: { ...L, le: '1' }, value: 1 },
          { name: 'd_seconds_bucket', labels: { ...L, le: '5' }, value: 2 },
          { name: 'd_seconds_bucket', labels: { ...L, le: '+Inf' }, value: 3 },
          { name: 'd_seconds_sum', labels: L, value: 12.5 },
          { name: 'd_seconds_count', labels: L, value: 3 },
        ],
      },
    ];
    const { families } = carryForward([runHistogram], previous);
    expect(families[0]?.samples.map((s) => s.value)).toEqual([1, 3, 4, 15.7, 4]);
  });

  it('restarts a histogram whose buckets changed, and says so', () => {
    const previous: MetricFamily[] = [
      {
        ...runHistogram,
        samples: [
          { name: 'd_seconds_bucket', labels: { ...L, le: '2' }, value: 7 },
          { name: 'd_seconds_bucket', labels: { ...L, le: '+Inf' }, value: 7 },
          { name: 'd_seconds_sum', labels: L, value: 9 },
          { name: 'd_seconds_count', labels: L, value: 7 },
        ],
      },
    ];
    const { families, notes } = carryForward([runHistogram], previous);
    expect(families[0]?.samples.map((s) => s.value)).toEqual([0, 1, 1, 3.2, 1]);
    expect(notes).toEqual(['d_seconds: bucket boundaries changed, so its totals restart from this run']);
  });

  it('replaces last-run gauges but keeps the last success a failed run does not set', () => {
    const previous: MetricFamily[] = [
      { ...lastSuccess, samples: [{ name: lastSuccess.name, labels: L, value: 1000 }] },
      { ...lastRun, samples: [{ name: lastRun.name, labels: L, value: 1000 }] },
    ];
    const { families } = carryForward([lastSuccess, lastRun], previous, [lastSuccess.name]);
    expect(families.map((f) => f.samples.map((s) => s.value))).toEqual([[1000], [2000]]);
    const passed = { ...lastSuccess, samples: [{ name: lastSuccess.name, labels: L, value: 2000 }] };
    expect(
      carryForward([passed], previous, [lastSuccess.name]).families[0]?.samples.map((s) => s.value),
    ).toEqual([2000]);
  });

  it('does not mix families whose type changed', () => {
    const { families, notes } = carryForward([runCounter], [{ ...runCounter, type: 'gauge' }]);
    expect(families[0]).toBe(runCounter);
    expect(notes[0]).toContain('was a gauge');
  });
});
