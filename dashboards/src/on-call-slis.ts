/**
 * The on-call dashboard's lower half: the SLIs of each drill's baseline, fault and post-rollback
 * windows, how the service compares after the rollback, and the last drill's phase timeline.
 */
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { drill, instantQuery, rangeQuery, row, tableQuery, thresholds } from './common.js';
import { perDrillPanel, statPanel, tablePanel } from './panels.js';

/** Panels 12–18: the rows "SLIs before, during and after the fault" and "Timeline of the last drill". */
export function addSliPanels(dashboard: DashboardBuilder): void {
  dashboard.withRow(row(12, 'SLIs before, during and after the fault'));
  dashboard.withPanel(
    perDrillPanel({
      id: 13,
      title: 'Error ratio: baseline, fault, after rollback',
      description:
        'Share of failed requests in each window of each drill; the fault window should stand out, the post-rollback one should match the baseline.',
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
      .unit('percentunit')
      .min(0),
  );
  dashboard.withPanel(
    perDrillPanel({
      id: 14,
      title: 'Latency p95: baseline, fault, after rollback',
      description: 'Client-side p95 latency in each window of each drill.',
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
