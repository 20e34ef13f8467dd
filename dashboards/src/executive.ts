/**
 * Executive: are rollbacks proven to work, are they getting faster, and is every service drilled?
 * Default range 30 days; every figure follows the time picker ($__range) except the 7-day trends.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  OBJECTIVE_LINE,
  atLeast,
  below,
  drill,
  drillDashboard,
  increaseBy,
  instantQuery,
  measurementQuantile,
  rangeQuery,
  rollbackSuccessRatio,
  row,
  tableQuery,
  thresholds,
} from './common.js';
import { addDoraPanels } from './dora-panels.js';
import { DAY_SECONDS, NOT_DRILLED_AFTER_DAYS, ROLLBACK_SUCCESS_TARGET_RATIO } from './objectives.js';
import { barsPanel, statPanel, tablePanel, timeseriesPanel } from './panels.js';

export const EXECUTIVE_UID = 'rollback-drill-executive';

const NOT_DRILLED_SECONDS = NOT_DRILLED_AFTER_DAYS * DAY_SECONDS;
const RESULT_COLORS = { passed: 'green', failed: 'red', aborted: 'orange', interrupted: 'purple' } as const;

export function executiveDashboard(): DashboardBuilder {
  const dashboard = drillDashboard({
    uid: EXECUTIVE_UID,
    title: 'Rollback drills — executive',
    description: 'Are rollbacks proven to work, are they getting faster, and is every service drilled?',
    from: 'now-30d',
    refresh: '5m',
  });

  dashboard.withRow(row(1, 'Are rollbacks working?'));
  dashboard.withPanel(
    statPanel({
      id: 2,
      title: 'Rollback success rate',
      description: `Share of rollbacks attempted by drills in the time range that restored service (stable version serving and SLOs holding again). Target: ${ROLLBACK_SUCCESS_TARGET_RATIO * 100}%.`,
      width: 6,
      height: 5,
    })
      .withTarget(instantQuery('A', rollbackSuccessRatio([], '$__range'), 'success rate'))
      .unit('percentunit')
      .decimals(1)
      .min(0)
      .max(1)
      .noValue('no rollbacks in range')
      .thresholds(atLeast(ROLLBACK_SUCCESS_TARGET_RATIO)),
  );
  dashboard.withPanel(
    statPanel({
      id: 3,
      title: 'Drills run',
      description: 'Drills finished in the time range, whatever their result.',
      width: 6,
      height: 5,
    })
      .withTarget(
        instantQuery('A', `round(${increaseBy([], 'rollback_drill_runs_total', '$__range')})`, 'drills'),
      )
      .unit('none')
      .decimals(0)
      .thresholds(thresholds([null, 'blue'])),
  );
  dashboard.withPanel(
    statPanel({
      id: 4,
      title: 'Drills failed or aborted',
      description:
        'Drills in the time range that did not pass: a rollback failed, an objective was missed, or the drill was aborted or interrupted.',
      width: 6,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `round(${increaseBy([], 'rollback_drill_runs_total', '$__range', 'result!="passed"')})`,
          'not passed',
        ),
      )
      .unit('none')
      .decimals(0)
      .thresholds(below(1)),
  );
  dashboard.withPanel(
    statPanel({
      id: 5,
      title: 'Longest time since a service was drilled',
      description: `The service that has gone longest without a drill, and how long. Red past ${NOT_DRILLED_AFTER_DAYS} days.`,
      width: 6,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `max(time() - max by (service, environment) (rollback_drill_last_run_timestamp_seconds${drill()}))`,
          'longest gap',
        ),
      )
      .unit('s')
      .decimals(1)
      .thresholds(below(NOT_DRILLED_SECONDS)),
  );

  dashboard.withRow(row(6, 'Trends'));
  dashboard.withPanel(
    timeseriesPanel({
      id: 7,
      title: 'Rollback success rate by service (7-day window)',
      description: `Share of rollbacks that succeeded over the 7 days before each point, per service. Dashed line: the ${ROLLBACK_SUCCESS_TARGET_RATIO * 100}% target.`,
      width: 12,
      height: 8,
    })
      .withTarget(rangeQuery('A', rollbackSuccessRatio(['service'], '7d'), '{{service}}'))
      .unit('percentunit')
      .min(0)
      .max(1)
      .thresholds(atLeast(ROLLBACK_SUCCESS_TARGET_RATIO)),
  );
  dashboard.withPanel(
    timeseriesPanel({
      id: 8,
      title: 'Time to recover: p95 over 7 days vs objective',
      description:
        'p95 of fault start → SLIs back inside the SLO, over the 7 days before each point, per service (estimated from histogram buckets). Dashed red: the scenario objective.',
      width: 12,
      height: 8,
    })
      .withTarget(
        rangeQuery(
          'A',
          measurementQuantile(0.95, ['service'], 'rollback_drill_time_to_recover_seconds', '7d'),
          '{{service}} p95',
        ),
      )
      .withTarget(
        rangeQuery(
          'B',
          `max by (service) (rollback_drill_objective_target_seconds${drill('objective="time_to_recover"')})`,
          '{{service}} objective',
        ),
      )
      .overrideByQuery('B', OBJECTIVE_LINE)
      .unit('s')
      .min(0),
  );
  const drillsByResult = barsPanel({
    id: 9,
    title: 'Drills by result',
    description: 'Drills finished per interval, stacked by result.',
    width: 24,
    height: 7,
  })
    .withTarget(
      rangeQuery('A', increaseBy(['result'], 'rollback_drill_runs_total', '$__interval'), '{{result}}'),
    )
    .interval('1h')
    .unit('none')
    .decimals(0);
  for (const [result, color] of Object.entries(RESULT_COLORS))
    drillsByResult.overrideByName(result, [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }]);
  dashboard.withPanel(drillsByResult);

  dashboard.withRow(row(10, 'Coverage'));
  dashboard.withPanel(
    tablePanel(
      {
        id: 11,
        title: 'Time since each service was last drilled',
        description: `Services and environments by the age of their last drill. Red: not drilled in ${NOT_DRILLED_AFTER_DAYS} days.`,
        width: 12,
        height: 8,
      },
      'Since last drill',
    )
      .withTarget(
        tableQuery(
          'A',
          `time() - max by (service, environment) (rollback_drill_last_run_timestamp_seconds${drill()})`,
        ),
      )
      .unit('s')
      .decimals(1)
      .thresholds(below(NOT_DRILLED_SECONDS)),
  );
  dashboard.withPanel(
    tablePanel(
      {
        id: 12,
        title: 'Rollback success rate by service',
        description: `Per service and environment, the share of rollbacks in the time range that succeeded. Red below ${ROLLBACK_SUCCESS_TARGET_RATIO * 100}%.`,
        width: 12,
        height: 8,
      },
      'Rollback success',
    )
      .withTarget(tableQuery('A', rollbackSuccessRatio(['service', 'environment'], '$__range')))
      .unit('percentunit')
      .decimals(1)
      .thresholds(atLeast(ROLLBACK_SUCCESS_TARGET_RATIO)),
  );
  addDoraPanels(dashboard, 13);
  return dashboard;
}
