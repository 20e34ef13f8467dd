/**
 * Detection and rollback quality: how fast each phase is, per service and kind of fault, against
 * the objectives, and which rollbacks and objectives fail. Default range 30 days.
 */
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  MEASUREMENTS,
  OBJECTIVE_LINE,
  atLeast,
  below,
  drill,
  drillDashboard,
  increaseBy,
  instantQuery,
  measurementQuantile,
  measurementQuantileByInfo,
  rangeQuery,
  rollbackSuccessRatio,
  rollbackSuccessRatioByInfo,
  row,
  tableQuery,
  thresholds,
  withInfo,
} from './common.js';
import { ROLLBACK_SUCCESS_TARGET_RATIO } from './objectives.js';
import { barGaugePanel, statPanel, tablePanel, timeseriesPanel } from './panels.js';

export const QUALITY_UID = 'rollback-drill-quality';

const BY_SERVICE_AND_FAULT = ['service', 'fault_kind'] as const;
const GREY = [{ id: 'color', value: { mode: 'fixed', fixedColor: 'text' } }];

function objectiveTarget(by: readonly string[], objective: string): string {
  return `max by (${by.join(', ')}) (rollback_drill_objective_target_seconds${drill(`objective="${objective}"`)})`;
}

export function qualityDashboard(): DashboardBuilder {
  const dashboard = drillDashboard({
    uid: QUALITY_UID,
    title: 'Rollback drills — detection and rollback quality',
    description:
      'How fast is each phase, per service and kind of fault, against the objectives; which rollbacks and objectives fail?',
    from: 'now-30d',
    refresh: '5m',
  });

  dashboard.withRow(row(1, 'Phase times by service and fault kind (over the time range)'));
  MEASUREMENTS.forEach(([measurement, title, meaning], index) => {
    const histogram = `rollback_drill_${measurement}_seconds`;
    dashboard.withPanel(
      barGaugePanel({
        id: 2 + index,
        title: `${title}: p50 and p95`,
        description: `${title} (${meaning}) of the drills in the time range: median and p95 per service and fault kind, estimated from histogram buckets, beside the objective.`,
        width: 12,
        height: 8,
      })
        .withTarget(
          instantQuery(
            'A',
            measurementQuantile(0.5, BY_SERVICE_AND_FAULT, histogram, '$__range'),
            '{{service}} {{fault_kind}} p50',
          ),
        )
        .withTarget(
          instantQuery(
            'B',
            measurementQuantile(0.95, BY_SERVICE_AND_FAULT, histogram, '$__range'),
            '{{service}} {{fault_kind}} p95',
          ),
        )
        .withTarget(
          instantQuery(
            'C',
            objectiveTarget(BY_SERVICE_AND_FAULT, measurement),
            '{{service}} {{fault_kind}} objective',
          ),
        )
        .overrideByQuery('C', GREY)
        .unit('s')
        .min(0),
    );
  });

  dashboard.withRow(row(6, 'Trends by fault kind (7-day window)'));
  (
    [
      [7, 'time_to_detect', 'Time to detect'],
      [8, 'time_to_rollback', 'Time to roll back'],
    ] as const
  ).forEach(([id, measurement, title]) => {
    dashboard.withPanel(
      timeseriesPanel({
        id,
        title: `${title}: p95 by fault kind (7-day window)`,
        description: `p95 ${title.toLowerCase()} over the 7 days before each point, per kind of fault. Dashed red: the objective.`,
        width: 12,
        height: 8,
      })
        .withTarget(
          rangeQuery(
            'A',
            measurementQuantile(0.95, ['fault_kind'], `rollback_drill_${measurement}_seconds`, '7d'),
            '{{fault_kind}} p95',
          ),
        )
        .withTarget(rangeQuery('B', objectiveTarget(['fault_kind'], measurement), '{{fault_kind}} objective'))
        .overrideByQuery('B', OBJECTIVE_LINE)
        .unit('s')
        .min(0),
    );
  });

  dashboard.withRow(row(9, 'Rollback outcomes'));
  dashboard.withPanel(
    statPanel({
      id: 10,
      title: 'Rollback success by fault kind',
      description: `Share of rollbacks in the time range that restored service, per kind of fault. Target: ${ROLLBACK_SUCCESS_TARGET_RATIO * 100}%.`,
      width: 8,
      height: 6,
    })
      .withTarget(instantQuery('A', rollbackSuccessRatio(['fault_kind'], '$__range'), '{{fault_kind}}'))
      .unit('percentunit')
      .decimals(1)
      .thresholds(atLeast(ROLLBACK_SUCCESS_TARGET_RATIO)),
  );
  dashboard.withPanel(
    statPanel({
      id: 11,
      title: 'Rollback success by scenario',
      description: `Share of rollbacks in the time range that restored service, per scenario. Target: ${ROLLBACK_SUCCESS_TARGET_RATIO * 100}%.`,
      width: 8,
      height: 6,
    })
      .withTarget(instantQuery('A', rollbackSuccessRatio(['scenario'], '$__range'), '{{scenario}}'))
      .unit('percentunit')
      .decimals(1)
      .thresholds(atLeast(ROLLBACK_SUCCESS_TARGET_RATIO)),
  );
  dashboard.withPanel(
    barGaugePanel({
      id: 12,
      title: 'Objective misses by objective',
      description: 'Drills in the time range that missed each objective (over target, or never measured).',
      width: 8,
      height: 6,
    })
      .withTarget(
        instantQuery(
          'A',
          `round(${increaseBy(['objective'], 'rollback_drill_objective_misses_total', '$__range')})`,
          '{{objective}}',
        ),
      )
      .unit('none')
      .decimals(0)
      .min(0)
      .thresholds(below(1)),
  );

  addTargetAndDetectorPanels(dashboard);
  return dashboard;
}

/**
 * Panels 13–16: figures split by how a scenario is drilled. Those labels are on
 * `rollback_drill_info` only (one series per scenario), joined onto the counters and histograms.
 */
function addTargetAndDetectorPanels(dashboard: DashboardBuilder): void {
  dashboard.withRow(row(13, 'By target type and detector'));
  dashboard.withPanel(
    statPanel({
      id: 14,
      title: 'Rollback success by target type',
      description: `Share of rollbacks in the time range that restored service, per kind of target (embedded, command, http, …). Target: ${ROLLBACK_SUCCESS_TARGET_RATIO * 100}%.`,
      width: 8,
      height: 7,
    })
      .withTarget(instantQuery('A', rollbackSuccessRatioByInfo('target_type', '$__range'), '{{target_type}}'))
      .unit('percentunit')
      .decimals(1)
      .thresholds(atLeast(ROLLBACK_SUCCESS_TARGET_RATIO)),
  );
  dashboard.withPanel(
    barGaugePanel({
      id: 15,
      title: 'Time to detect by detector: p50 and p95',
      description:
        'Time to detect of the drills in the time range, median and p95 per detector (threshold, burn-rate, sequential, prometheus, …), estimated from histogram buckets: which detector notices faults fastest.',
      width: 8,
      height: 7,
    })
      .withTarget(
        instantQuery(
          'A',
          measurementQuantileByInfo(0.5, 'detector', 'rollback_drill_time_to_detect_seconds', '$__range'),
          '{{detector}} p50',
        ),
      )
      .withTarget(
        instantQuery(
          'B',
          measurementQuantileByInfo(0.95, 'detector', 'rollback_drill_time_to_detect_seconds', '$__range'),
          '{{detector}} p95',
        ),
      )
      .unit('s')
      .min(0),
  );
  const byScenario = ['scenario', 'target_type', 'detector', 'decision'];
  dashboard.withPanel(
    tablePanel(
      {
        id: 16,
        title: 'Detector used, per scenario',
        description:
          'How each scenario drilled in the time range is set up — target type, detector and decision — and how many drills it ran.',
        width: 8,
        height: 7,
      },
      'Drills',
    )
      .withTarget(
        tableQuery(
          'A',
          `round(sum by (${byScenario.join(', ')}) (${withInfo(
            `increase(rollback_drill_runs_total${drill()}[$__range])`,
            ['target_type', 'detector', 'decision'],
            '$__range',
          )}))`,
        ),
      )
      .cellOptions({ type: TableCellDisplayMode.Auto })
      .unit('none')
      .decimals(0)
      .thresholds(thresholds([null, 'blue'])),
  );
}
