/**
 * The DORA figures as Prometheus gauges (`dora_*`, documented in docs/dora.md). They describe one
 * report (one period ending at its computation), so they are gauges, not counters; a figure that is
 * undefined (no deployments, nothing recovered) is absent, never NaN. Registering again on the same
 * registry updates the same gauges, so the serve daemon can recompute on a timer.
 */
import { Gauge, type Registry } from 'prom-client';
import type { DoraReport, ServiceDora } from './compute.js';
import { PERFORMANCE_LEVELS } from './levels.js';

type ServiceLabel = 'service';

export interface DoraMetrics {
  /** Replaces every value with the figures of `report`; services it lacks disappear. */
  update(report: DoraReport): void;
}

interface DoraGauges {
  readonly periodSeconds: Gauge;
  readonly linkWindowSeconds: Gauge;
  readonly periodEnd: Gauge;
  readonly deployments: Gauge<ServiceLabel>;
  readonly deploymentsPerDay: Gauge<ServiceLabel>;
  readonly failedDeployments: Gauge<ServiceLabel>;
  readonly changeFailRatio: Gauge<ServiceLabel>;
  readonly recoveryMedian: Gauge<ServiceLabel>;
  readonly unrecovered: Gauge<ServiceLabel>;
  readonly reworkDeployments: Gauge<ServiceLabel>;
  readonly reworkRatio: Gauge<ServiceLabel>;
  readonly incidents: Gauge<ServiceLabel | 'linked'>;
  readonly level: Gauge<ServiceLabel | 'level'>;
  readonly drillPassedRuns: Gauge<ServiceLabel>;
  readonly drillRecoverMedian: Gauge<ServiceLabel>;
  readonly drillRollbackMedian: Gauge<ServiceLabel>;
}

const registered = new WeakMap<Registry, DoraGauges>();

export function registerDoraMetrics(registry: Registry, report: DoraReport): DoraMetrics {
  let gauges = registered.get(registry);
  if (!gauges) {
    gauges = createGauges(registry);
    registered.set(registry, gauges);
  }
  const metrics = { update: (next: DoraReport) => setAll(gauges, next) };
  metrics.update(report);
  return metrics;
}

function createGauges(registry: Registry): DoraGauges {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const service = ['service'] as const;
  return {
    periodSeconds: gauge('dora_period_seconds', 'Length of the period the dora_* figures cover.'),
    periodEnd: gauge('dora_period_end_timestamp_seconds', 'End of the period the dora_* figures cover.'),
    linkWindowSeconds: gauge(
      'dora_incident_link_window_seconds',
      'How long after a deployment an incident without a deploymentId is still linked to it.',
    ),
    deployments: gauge('dora_deployments', 'Deployments that finished in the period.', service),
    deploymentsPerDay: gauge(
      'dora_deployment_frequency_per_day',
      'Deployment frequency: deployments in the period divided by its length in days.',
      service,
    ),
    failedDeployments: gauge(
      'dora_failed_deployments',
      'Deployments in the period that needed intervention (a linked incident, a rollback or a hotfix).',
      service,
    ),
    changeFailRatio: gauge(
      'dora_change_fail_ratio',
      'Change fail rate: failed deployments / deployments (0-1); absent without deployments.',
      service,
    ),
    recoveryMedian: gauge(
      'dora_failed_deployment_recovery_median_seconds',
      'Median failed deployment recovery time: deployment finish to every linked incident resolved.',
      service,
    ),
    unrecovered: gauge(
      'dora_unrecovered_failed_deployments',
      'Failed deployments in the period with an incident still open.',
      service,
    ),
    reworkDeployments: gauge(
      'dora_rework_deployments',
      'Unplanned deployments (rollbacks, hotfixes, deployments made for an incident) in the period.',
      service,
    ),
    reworkRatio: gauge(
      'dora_deployment_rework_ratio',
      'Deployment rework rate: rework deployments / deployments (0-1); absent without deployments.',
      service,
    ),
    incidents: gauge(
      'dora_incidents',
      'Incidents that started in the period; linked="false": tied to no deployment, so never a failure.',
      ['service', 'linked'] as const,
    ),
    level: gauge(
      'dora_performance_level',
      'DORA 2024 performance level: 1 for the level the service reaches, 0 for the others.',
      ['service', 'level'] as const,
    ),
    drillPassedRuns: gauge(
      'dora_drill_passed_runs',
      'Rollback drills of the service that passed in the period.',
      service,
    ),
    drillRecoverMedian: gauge(
      'dora_drill_time_to_recover_median_seconds',
      'Median time to recover of the passed rollback drills in the period (fault start to SLOs met).',
      service,
    ),
    drillRollbackMedian: gauge(
      'dora_drill_time_to_rollback_median_seconds',
      'Median time to roll back of the passed rollback drills in the period.',
      service,
    ),
  };
}

function setAll(g: DoraGauges, report: DoraReport): void {
  for (const metric of Object.values(g) as Gauge<string>[]) metric.reset();
  g.periodSeconds.set(report.period.days * 86_400);
  g.periodEnd.set(Date.parse(report.period.end) / 1000);
  g.linkWindowSeconds.set(report.linkWindowSeconds);
  for (const figures of report.services) setService(g, figures);
}

function setService(g: DoraGauges, f: ServiceDora): void {
  const labels = { service: f.service };
  const setIfKnown = (gauge: Gauge<ServiceLabel>, value: number | null): void => {
    if (value !== null) gauge.set(labels, value);
  };
  g.deployments.set(labels, f.deployments);
  g.deploymentsPerDay.set(labels, f.deploymentsPerDay);
  g.failedDeployments.set(labels, f.failedDeployments);
  setIfKnown(g.changeFailRatio, f.changeFailRate);
  setIfKnown(g.recoveryMedian, f.recovery.medianSeconds);
  g.unrecovered.set(labels, f.recovery.unrecovered);
  g.reworkDeployments.set(labels, f.reworkDeployments);
  setIfKnown(g.reworkRatio, f.reworkRate);
  g.incidents.set({ ...labels, linked: 'true' }, f.incidents.linked);
  g.incidents.set({ ...labels, linked: 'false' }, f.incidents.unlinked);
  // A level needs deployments; without them no level series exists rather than a misleading 0.
  if (f.level.overall !== null)
    for (const level of PERFORMANCE_LEVELS)
      g.level.set({ ...labels, level }, level === f.level.overall ? 1 : 0);
  g.drillPassedRuns.set(labels, f.drills.passed);
  setIfKnown(g.drillRecoverMedian, f.drills.medianTimeToRecoverSeconds);
  setIfKnown(g.drillRollbackMedian, f.drills.medianTimeToRollbackSeconds);
}
