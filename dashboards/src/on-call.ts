/**
 * Drill detail / on-call: what is running now, how the latest drills went phase by phase, and what
 * the SLIs did before, during and after the fault. Phase starts and key events are annotations on
 * every time series panel, so the figures line up with the drill's own timeline.
 */
import { AnnotationQueryBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DATASOURCE,
  MEASUREMENTS,
  OBJECTIVE_LINE,
  below,
  drill,
  drillDashboard,
  instantQuery,
  rangeQuery,
  row,
  thresholds,
} from './common.js';
import { DAY_SECONDS, NOT_DRILLED_AFTER_DAYS } from './objectives.js';
import { addLiveSliPanels, addSliPanels } from './on-call-slis.js';
import { perDrillPanel, statPanel, valueTexts } from './panels.js';

export const ON_CALL_UID = 'rollback-drill-on-call';

/**
 * Phase and event timestamps are gauges whose value is a Unix time: "series value as timestamp"
 * turns each drill's value into one annotation at that moment.
 */
function timestampAnnotation(name: string, expr: string, titleFormat: string, color: string) {
  return new AnnotationQueryBuilder()
    .name(name)
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor(color)
    .expr(`${expr} * 1000`)
    .step('10s')
    .useValueForTime(true)
    .titleFormat(titleFormat)
    .textFormat('{{scenario}} ({{service}}, {{environment}})')
    .tagKeys('scenario');
}

export function onCallDashboard(): DashboardBuilder {
  const dashboard = drillDashboard({
    uid: ON_CALL_UID,
    title: 'Rollback drills — drill detail (on-call)',
    description:
      'What is running now, how the latest drills went phase by phase, and what the SLIs did before, during and after the fault.',
    from: 'now-6h',
    refresh: '10s',
  })
    .annotation(
      timestampAnnotation(
        'Drill phases',
        `rollback_drill_phase_timestamp_seconds${drill('edge="start"')}`,
        '{{phase}} started',
        'blue',
      ),
    )
    .annotation(
      timestampAnnotation(
        'Drill events',
        `rollback_drill_event_timestamp_seconds${drill()}`,
        '{{event}}',
        'red',
      ),
    );

  dashboard.withRow(row(1, 'Now'));
  dashboard.withPanel(
    statPanel({
      id: 2,
      title: 'Drill running',
      description: 'Whether a drill of each scenario is running right now.',
      width: 6,
      height: 5,
    })
      .withTarget(
        instantQuery('A', `max by (scenario) (rollback_drill_in_progress${drill()})`, '{{scenario}}'),
      )
      .unit('none')
      .mappings(valueTexts({ '0': ['idle', 'green'], '1': ['running', 'orange'] })),
  );
  dashboard.withPanel(
    statPanel({
      id: 3,
      title: 'Last drill passed?',
      description:
        'Whether the last drill of each scenario passed (failed, aborted and interrupted all show red).',
      width: 6,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (scenario) (rollback_drill_last_run_result${drill('result="passed"')})`,
          '{{scenario}}',
        ),
      )
      .unit('none')
      .mappings(valueTexts({ '1': ['passed', 'green'], '0': ['did not pass', 'red'] })),
  );
  dashboard.withPanel(
    statPanel({
      id: 4,
      title: 'Since the last drill ended',
      description: `How long ago the last drill of each scenario finished. Red past ${NOT_DRILLED_AFTER_DAYS} days.`,
      width: 6,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (scenario) (time() - rollback_drill_last_run_timestamp_seconds${drill()})`,
          '{{scenario}}',
        ),
      )
      .unit('s')
      .decimals(0)
      .thresholds(below(NOT_DRILLED_AFTER_DAYS * DAY_SECONDS)),
  );
  dashboard.withPanel(
    statPanel({
      id: 5,
      title: 'Last drill took',
      description: 'Wall-clock duration of the last drill of each scenario, setup to cleanup.',
      width: 6,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (scenario) (rollback_drill_last_run_duration_seconds${drill()})`,
          '{{scenario}}',
        ),
      )
      .unit('s')
      .decimals(1)
      .thresholds(thresholds([null, 'blue'])),
  );

  addLiveSliPanels(dashboard);

  dashboard.withRow(row(6, 'Phase times, drill by drill'));
  MEASUREMENTS.forEach(([measurement, title, meaning], index) => {
    dashboard.withPanel(
      perDrillPanel({
        id: 7 + index,
        title,
        description: `${title} (${meaning}) of each drill: each step is one drill. Dashed red: the scenario objective.`,
        width: 6,
        height: 8,
      })
        .withTarget(
          rangeQuery(
            'A',
            `max by (scenario) (rollback_drill_last_run_measurement_seconds${drill(`measurement="${measurement}"`)})`,
            '{{scenario}}',
          ),
        )
        .withTarget(
          rangeQuery(
            'B',
            `max by (scenario) (rollback_drill_objective_target_seconds${drill(`objective="${measurement}"`)})`,
            '{{scenario}} objective',
          ),
        )
        .overrideByQuery('B', OBJECTIVE_LINE)
        .unit('s')
        .min(0),
    );
  });
  dashboard.withPanel(
    statPanel({
      id: 11,
      title: 'Objectives met by the last drill',
      description:
        'For the last drill of each scenario, whether each measured time was within its objective.',
      width: 24,
      height: 5,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (scenario, objective) (rollback_drill_objective_met${drill()})`,
          '{{scenario}}: {{objective}}',
        ),
      )
      .unit('none')
      .mappings(valueTexts({ '1': ['met', 'green'], '0': ['missed', 'red'] })),
  );

  addSliPanels(dashboard);

  return dashboard;
}
