/**
 * DORA recovery figures beside the drills' own (executive dashboard). The `dora_*` series come from
 * the serve daemon (harness/dora/metrics.ts, docs/dora.md): until it exports them these panels show
 * no data. They carry only a `service` label, so only the service variable applies to them.
 *
 * Thresholds are the 2024 DORA clusters harness/dora/levels.ts uses: recovery under an hour is
 * elite, under a day high or medium; a change fail rate up to 5% is elite, up to 20% high.
 */
import { BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { instantQuery, row, thresholds } from './common.js';
import { barGaugePanel, statPanel } from './panels.js';

const HOUR_SECONDS = 3_600;
const SERVICE = '{service=~"$service"}';

/** The row "DORA recovery figures" and its three panels, ids `firstId` … `firstId + 3`. */
export function addDoraPanels(dashboard: DashboardBuilder, firstId: number): void {
  dashboard.withRow(row(firstId, 'DORA recovery figures (from the serve daemon)'));
  dashboard.withPanel(
    barGaugePanel({
      id: firstId + 1,
      title: 'Recovery time: failed deployments vs drills (median)',
      description:
        'Per service, the median failed-deployment recovery time of real incidents (DORA) beside the median time to recover of passed drills. Both clocks start when the bad change is live; the drill figure is the floor the real one can approach.',
      width: 12,
      height: 7,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (service) (dora_failed_deployment_recovery_median_seconds${SERVICE})`,
          '{{service}} failed deployments',
        ),
      )
      .withTarget(
        instantQuery(
          'B',
          `max by (service) (dora_drill_time_to_recover_median_seconds${SERVICE})`,
          '{{service}} drills',
        ),
      )
      .unit('s')
      .min(0)
      .thresholds(thresholds([null, 'green'], [HOUR_SECONDS, 'orange'], [24 * HOUR_SECONDS, 'red'])),
  );
  dashboard.withPanel(
    statPanel({
      id: firstId + 2,
      title: 'Change fail rate (DORA)',
      description:
        'Per service, the share of deployments in the DORA period that failed (needed a rollback, a hotfix, or caused an incident).',
      width: 6,
      height: 7,
    })
      .withTarget(instantQuery('A', `max by (service) (dora_change_fail_ratio${SERVICE})`, '{{service}}'))
      .unit('percentunit')
      .decimals(1)
      .thresholds(thresholds([null, 'green'], [0.05, 'orange'], [0.2, 'red'])),
  );
  dashboard.withPanel(
    statPanel({
      id: firstId + 3,
      title: 'DORA performance level',
      description:
        'Per service, the 2024 DORA performance level its deployments, failures and recoveries reach.',
      width: 6,
      height: 7,
    })
      .withTarget(
        instantQuery(
          'A',
          `max by (service, level) (dora_performance_level${SERVICE}) == 1`,
          '{{service}}: {{level}}',
        ),
      )
      // The value is always 1; the level is in the series name.
      .textMode(BigValueTextMode.Name)
      .unit('none')
      .thresholds(thresholds([null, 'blue'])),
  );
}
