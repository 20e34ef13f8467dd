/** The SLI chart: series, SLO lines, markers, and the scale helpers behind them. */
import { describe, expect, it } from 'vitest';
import { chartMarkers, chartSeries, renderSliChart, sloLines } from '../../../exporters/reports/svg-chart.js';
import { markerLabelRows, niceCeiling, timeTicks } from '../../../exporters/reports/svg-scale.js';
import { makeRunRecord } from '../../support/fixtures.js';

describe('chart data', () => {
  it('takes error ratio and p95 per sample; a sample without requests is a gap, not 0%', () => {
    const record = makeRunRecord();
    const samples = record.sli.samples.map((s, i) =>
      i === 3 ? { ...s, requests: 0, errors: 0, latencyMs: null } : s,
    );
    const series = chartSeries(makeRunRecord({ sli: { samples } }));
    expect(series[0]).toEqual({ offsetSeconds: 1, errorRatio: 0, p95Ms: 24 });
    expect(series[3]).toEqual({ offsetSeconds: 4, errorRatio: null, p95Ms: null });
    expect(series[11]).toEqual({ offsetSeconds: 12, errorRatio: 15 / 50, p95Ms: 31 });
    const svg = renderSliChart(makeRunRecord({ sli: { samples } }));
    // The gap splits the error series into two runs: two "M" commands before the fault.
    expect(svg.match(/class="series series-error" d="([^"]*)"/)?.[1]?.match(/M/g)).toHaveLength(2);
  });

  it('marks fault, detected, decided, rollback completed and recovered, in time order', () => {
    expect(chartMarkers(makeRunRecord()).map((m) => [m.type, m.offsetSeconds])).toEqual([
      ['fault.injected', 11.85],
      ['detected', 15.05],
      ['decided', 15.05],
      ['rollback.completed', 17.45],
      ['recovered', 18.9],
    ]);
    const svg = renderSliChart(makeRunRecord());
    expect(svg.match(/<g class="marker" data-event="[^"]+">/g)).toHaveLength(5);
    expect(svg).toContain('<desc id="chart-desc">Markers: fault at +11.8 s, detected at +15.1 s');
  });

  it('draws the SLOs of the scenario: error budget and the p95 threshold', () => {
    expect(sloLines(makeRunRecord())).toEqual({
      errorBudget: expect.closeTo(0.005, 10),
      p95ThresholdMs: 300,
    });
    const svg = renderSliChart(makeRunRecord());
    expect(svg).toContain('SLO: ≤ 0.5% errors');
    expect(svg).toContain('SLO: p95 ≤ 300 ms');
  });
});

describe('scales', () => {
  it('rounds an axis top up to 1, 2, 2.5 or 5 × 10^k', () => {
    expect([0.3, 1, 31, 100, 101, 375, 0.75].map(niceCeiling)).toEqual([0.5, 1, 50, 100, 200, 500, 1]);
  });

  it('puts at most about ten time ticks on round steps', () => {
    expect(timeTicks(37.9).map((t) => t.text)).toEqual([
      '0s',
      '5s',
      '10s',
      '15s',
      '20s',
      '25s',
      '30s',
      '35s',
    ]);
    expect(
      timeTicks(600)
        .map((t) => t.text)
        .slice(-2),
    ).toEqual(['9m', '10m']);
    expect(
      timeTicks(95)
        .map((t) => t.text)
        .at(-1),
    ).toBe('1m30s');
  });

  it('moves a label up a row when its neighbour is in the way and keeps labels inside the plot', () => {
    const placed = markerLabelRows(
      [
        { text: 'fault +1.0s', x: 62 },
        { text: 'detected +5.0s', x: 300 },
        { text: 'decided +5.0s', x: 300 },
        { text: 'recovered +9.0s', x: 955 },
      ],
      { minX: 60, maxX: 960 },
    );
    expect(placed.map((p) => [p.anchor, p.row])).toEqual([
      ['start', 0],
      ['middle', 0],
      ['middle', 1],
      ['end', 0],
    ]);
  });
});
