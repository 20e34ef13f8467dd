/**
 * The on-call dashboard's SLI panels: the running drill's SLIs second by second under its phase
 * annotations, the SLIs of each drill's baseline, fault and post-rollback windows against the
 * scenario's SLO, how the service compares after the rollback, and the last drill's phase timeline.
 */
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  OBJECTIVE_LINE,
  drill,
  instantQuery,
  rangeQuery,
  row,
  sloErrorRatio,
  sloLatency,
  tableQuery,
  thresholds,
} from './common.js';
import { perDrillPanel, statPanel, tablePanel, timeseriesPanel } from './panels.js';

const LIVE_NOTE =
  'Only while a drill runs and Prometheus scrapes its live /metrics (`rollback-drill run --metrics-port`) or the serve daemon: a Pushgateway never holds these.';

/** Panels 19–22: the row "Live SLIs (while a drill runs)". */
export function addLiveSliPanels(dashboard: DashboardBuilder): void {
  dashboard.withRow(row(19, 'Live SLIs (while a drill runs)'));
  dashboard.withPanel(
    timeseriesPanel({
      id: 20,
      title: 'Error ratio, second by second',
      description: `Share of the drill's requests that failed in each one-second sample; the phase annotations show where the fault, detection and rollback happened. Dashed red: the error ratio the availability SLO allows. ${LIVE_NOTE}`,
      width: 8,
      height: 8,
    })
      .withTarget(
        rangeQuery('A', `max by (scenario) (rollback_drill_live_error_ratio${drill()})`, '{{scenario}}'),
      )
      .withTarget(rangeQuery('B', sloErrorRatio(), '{{scenario}} SLO'))
      .overrideByQuery('B', OBJECTIVE_LINE)
      .unit('percentunit')
      .min(0),
  );
  dashboard.withPanel(
    timeseriesPanel({
      id: 21,
      title: 'Latency p95, second by second',
      description: `Client-side p95 latency of the drill's requests in each one-second sample. Dashed red: the scenario's p95 latency SLO (when it has one). ${LIVE_NOTE}`,
      width: 8,
      height: 8,
    })
      .withTarget(
        rangeQuery(
          'A',
          `max by (scenario) (rollback_drill_live_latency_seconds${drill('percentile="p95"')})`,
          '{{scenario}} p95',
        ),
      )
      .withTarget(rangeQuery('B', sloLatency('p95'), '{{scenario}} SLO'))
      .overrideByQuery('B', OBJECTIVE_LINE)
      .unit('s')
      .min(0),
  );
  dashboard.withPanel(
    timeseriesPanel({
      id: 22,
      title: 'Requests per second',
      description: `Requests of the drill's traffic completed in each one-second sample: a drop means requests hang or are refused, which an error ratio alone can hide. ${LIVE_NOTE}`,
      width: 8,
      height: 8,
    })
      .withTarget(
        rangeQuery(
          'A',
          `max by (scenario) (rollback_drill_live_requests_per_second${drill()})`,
          '{{scenario}}',
        ),
      )
      .unit('reqps')
      .min(0),
  );
}

/** Panels 12–18: the rows "SLIs before, during and after the fault" and "Timeline of the last drill". */
export function addSliPanels(dashboard: DashboardBuilder): void {
  dashboard.withRow(row(12, 'SLIs before, during and after the fault'));
  dashboard.withPanel(
    perDrillPanel({
      id: 13,
      title: 'Error ratio: baseline, fault, after rollback',
      description:
        'Share of failed requests in each window of each drill; the fault window should stand out, the post-rollback one should match the baseline. Dashed red: the error ratio the availability SLO allows.',
      width: 12,
      height: 8,
    })
      .withTarget(
        rangeQuery(
          'A',
          `max by (scenario, window) (rollback_drill_window_error_ratio${drill()})`,
          '{{scenario}} {{window}}',
        ),
      )
      .withTarget(rangeQuery('B', sloErrorRatio(), '{{scenario}} SLO'))
      .overrideByQuery('B', OBJECTIVE_LINE)
      .unit('percentunit')
      .min(0),
  );
  dashboard.withPanel(
    perDrillPanel({
      id: 14,
      title: 'Latency p95: baseline, fault, after rollback',
      description:
        "Client-side p95 latency in each window of each drill. Dashed red: the scenario's p95 latency SLO (when it has one).",
      width: 12,
      height: 8,
    })
      .withTarget(
        rangeQuery(
          'A',
          `max by (scenario, window) (rollback_drill_window_latency_seconds${drill('percentile="p95"')})`,
          '{{scenario}} {{window}}',
        ),
      )
      .withTarget(rangeQuery('B', sloLatency('p95'), '{{scenario}} SLO'))
      .overrideByQuery('B', OBJECTIVE_LINE)
      .unit('s')
      .min(0),
  );
  dashboard.withPanel(
    statPanel({
      id: 15,
      title: 'Availability by window (last drill)',
      description:
        'Share of requests that succeeded in the baseline, fault and post-rollback windows of the last drill.',
      width: 12,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (scenario, window) (rollback_drill_window_availability_ratio${drill()})`,
          '{{scenario}} {{window}}',
        ),
      )
      .unit('percentunit')
      .decimals(2)
      .thresholds(thresholds([null, 'blue'])),
  );
  dashboard.withPanel(
    statPanel({
      id: 16,
      title: 'After the rollback vs the baseline',
      description:
        'Post-rollback minus baseline, last drill: error ratio (positive = more errors) and p95 latency (positive = slower). Orange: worse by more than 0.1 percentage point or 50 ms.',
      width: 12,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (scenario) (rollback_drill_post_rollback_delta_error_ratio${drill()})`,
          '{{scenario}} error ratio Δ',
        ),
      )
      .withTarget(
        instantQuery(
          'B',
          `max by (scenario) (rollback_drill_post_rollback_delta_latency_seconds${drill('percentile="p95"')})`,
          '{{scenario}} p95 Δ',
        ),
      )
      .unit('percentunit')
      .decimals(2)
      .thresholds(thresholds([null, 'green'], [0.001, 'orange']))
      .overrideByQuery('B', [
        { id: 'unit', value: 's' },
        {
          id: 'thresholds',
          value: {
            mode: 'absolute',
            steps: [
              { value: null, color: 'green' },
              { value: 0.05, color: 'orange' },
            ],
          },
        },
      ]),
  );

  dashboard.withRow(row(17, 'Timeline of the last drill'));
  dashboard.withPanel(
    tablePanel(
      {
        id: 18,
        title: 'Phase starts and ends (last drill)',
        description: 'When each phase of the current or last drill of each scenario started and ended.',
        width: 24,
        height: 9,
      },
      'At',
    )
      .withTarget(
        tableQuery(
          'A',
          `max by (scenario, phase, edge) (rollback_drill_phase_timestamp_seconds${drill()}) * 1000`,
        ),
      )
      .cellOptions({ type: TableCellDisplayMode.Auto })
      .unit('dateTimeAsIso'),
  );
}
