/**
 * The DORA figures per service and period, as pure functions of the event log and the run records.
 * Definitions (docs/dora.md):
 * - deployment frequency = deployments that finished in the period / the period's days;
 * - a deployment *failed* when an incident is linked to it or a rollback/hotfix remedies it;
 *   change fail rate = failed deployments / deployments (never incidents / deployments, so never
 *   above 100%: several incidents of one deployment make one failed deployment);
 * - failed deployment recovery time: the clock starts when the failed deployment finished (the bad
 *   change went live) and stops when every incident linked to it is resolved — or, with no linked
 *   incident, when the first rollback/hotfix remedying it finished; median over the period;
 * - deployment rework rate = rollback and hotfix deployments (or ones naming an incident) /
 *   deployments.
 */
import type { RunRecord } from '../store/run-record.js';
import { drillFigures, median, type DrillFigures, drillRunOf, type DrillRun } from './drills.js';
import { epochMs, type DeploymentEvent, type DoraEvents } from './events.js';
import { assessLevel, type LevelAssessment } from './levels.js';
import { DEFAULT_LINK_WINDOW_MS, linkIncidents, type IncidentLink } from './link.js';

const DAY_MS = 86_400_000;

/** [startMs, endMs): events at the end instant belong to the next period. */
export interface DoraPeriod {
  readonly startMs: number;
  readonly endMs: number;
}

export interface DoraReportOptions {
  readonly period: DoraPeriod;
  readonly linkWindowMs?: number;
  /** Only this service (reported even when it has no events). */
  readonly service?: string;
}

export interface FailedDeployment {
  readonly deploymentId: string;
  readonly finishedAt: string;
  readonly incidentIds: readonly string[];
  readonly remediatedBy: readonly string[];
  readonly recoveredAt: string | null;
  readonly recoverySeconds: number | null;
  readonly recoveredBy: 'incidents resolved' | 'remediation deployment' | null;
}

export interface ServiceDora {
  readonly service: string;
  readonly deployments: number;
  readonly deploymentsPerDay: number;
  readonly failedDeployments: number;
  /** null when there were no deployments (0/0 is not 0%). */
  readonly changeFailRate: number | null;
  readonly recovery: {
    readonly medianSeconds: number | null;
    readonly recovered: number;
    /** Failed deployments with an incident still open. */
    readonly unrecovered: number;
  };
  readonly reworkDeployments: number;
  readonly reworkRate: number | null;
  /** Incidents of the service that started in the period. */
  readonly incidents: { readonly total: number; readonly linked: number; readonly unlinked: number };
  readonly level: LevelAssessment;
  readonly drills: DrillFigures;
  readonly failed: readonly FailedDeployment[];
}

export interface UnlinkedIncident {
  readonly id: string;
  readonly service: string;
  readonly startedAt: string;
  readonly reason: string;
}

export interface DoraReport {
  readonly period: { readonly start: string; readonly end: string; readonly days: number };
  readonly linkWindowSeconds: number;
  readonly services: readonly ServiceDora[];
  /** Incidents in the period tied to no deployment; never counted as a deployment's failure. */
  readonly unlinkedIncidents: readonly UnlinkedIncident[];
  /** Data that looks wrong but did not stop the report (e.g. resolved before deployed). */
  readonly warnings: readonly string[];
}

export function computeDoraReport(
  events: DoraEvents,
  runs: readonly (RunRecord | DrillRun)[],
  options: DoraReportOptions,
): DoraReport {
  const { period } = options;
  const windowMs = options.linkWindowMs ?? DEFAULT_LINK_WINDOW_MS;
  const inPeriod = (iso: string): boolean => epochMs(iso) >= period.startMs && epochMs(iso) < period.endMs;
  const links = linkIncidents(events, windowMs);
  const warnings: string[] = [];
  const failures = failuresByDeployment(events, links, warnings);

  const services = options.service
    ? [options.service]
    : [
        ...new Set([
          ...events.deployments.filter((d) => inPeriod(d.finishedAt)).map((d) => d.service),
          ...events.incidents.filter((i) => inPeriod(i.startedAt)).map((i) => i.service),
          ...runs.filter((r) => inPeriod(r.startedAt)).map((r) => drillRunOf(r).service),
        ]),
      ].sort();
  const days = (period.endMs - period.startMs) / DAY_MS;

  const figures = services.map((service): ServiceDora => {
    const deployments = events.deployments.filter((d) => d.service === service && inPeriod(d.finishedAt));
    const failed = deployments.flatMap((d) => failures.get(d.id) ?? []);
    const recovered = failed.flatMap((f) => (f.recoverySeconds === null ? [] : [f.recoverySeconds]));
    const rework = deployments.filter(isRework);
    const serviceLinks = links.filter(
      (l) => l.incident.service === service && inPeriod(l.incident.startedAt),
    );
    const unlinked = serviceLinks.filter((l) => l.how === 'unlinked').length;
    const count = deployments.length;
    const changeFailRate = count ? failed.length / count : null;
    const medianSeconds = median(recovered);
    const deploymentsPerDay = days > 0 ? count / days : 0;
    return {
      service,
      deployments: count,
      deploymentsPerDay,
      failedDeployments: failed.length,
      changeFailRate,
      recovery: { medianSeconds, recovered: recovered.length, unrecovered: failed.length - recovered.length },
      reworkDeployments: rework.length,
      reworkRate: count ? rework.length / count : null,
      incidents: { total: serviceLinks.length, linked: serviceLinks.length - unlinked, unlinked },
      level: assessLevel({ deploymentsPerDay, changeFailRate, recoveryMedianSeconds: medianSeconds }),
      drills: drillFigures(runs, service, period),
      failed,
    };
  });

  const unlinkedIncidents = links.flatMap((link) =>
    link.how === 'unlinked' &&
    inPeriod(link.incident.startedAt) &&
    (!options.service || link.incident.service === options.service)
      ? [
          {
            id: link.incident.id,
            service: link.incident.service,
            startedAt: link.incident.startedAt,
            reason: link.reason,
          },
        ]
      : [],
  );
  return {
    period: {
      start: new Date(period.startMs).toISOString(),
      end: new Date(period.endMs).toISOString(),
      days,
    },
    linkWindowSeconds: windowMs / 1000,
    services: figures,
    unlinkedIncidents,
    warnings,
  };
}

/** Unplanned work: a rollback or hotfix, or any deployment made for an incident. */
export function isRework(deployment: DeploymentEvent): boolean {
  return deployment.kind !== 'change' || deployment.incidentId !== undefined;
}

/** Every failed deployment (any period) by id, with how and when it recovered. */
function failuresByDeployment(
  events: DoraEvents,
  links: readonly IncidentLink[],
  warnings: string[],
): Map<string, FailedDeployment> {
  const byId = new Map(events.deployments.map((d) => [d.id, d]));
  const incidentsOf = new Map<string, IncidentLink['incident'][]>();
  for (const link of links) {
    if (link.deploymentId === null) continue;
    incidentsOf.set(link.deploymentId, [...(incidentsOf.get(link.deploymentId) ?? []), link.incident]);
  }
  const remediesOf = new Map<string, DeploymentEvent[]>();
  for (const remedy of events.deployments) {
    if (remedy.remediates === undefined) continue;
    if (!byId.has(remedy.remediates)) {
      warnings.push(
        `deployment ${remedy.id} remedies "${remedy.remediates}", which is not among the deployments`,
      );
      continue;
    }
    remediesOf.set(remedy.remediates, [...(remediesOf.get(remedy.remediates) ?? []), remedy]);
  }

  const failed = new Map<string, FailedDeployment>();
  for (const deployment of events.deployments) {
    const incidents = incidentsOf.get(deployment.id) ?? [];
    const remedies = remediesOf.get(deployment.id) ?? [];
    if (!incidents.length && !remedies.length) continue;
    let recoveredAtMs: number | null = null;
    let recoveredBy: FailedDeployment['recoveredBy'] = null;
    if (incidents.length) {
      if (incidents.every((i) => i.resolvedAt !== undefined)) {
        recoveredAtMs = Math.max(...incidents.map((i) => epochMs(i.resolvedAt as string)));
        recoveredBy = 'incidents resolved';
      }
    } else {
      recoveredAtMs = Math.min(...remedies.map((r) => epochMs(r.finishedAt)));
      recoveredBy = 'remediation deployment';
    }
    let recoverySeconds: number | null = null;
    if (recoveredAtMs !== null) {
      const raw = (recoveredAtMs - epochMs(deployment.finishedAt)) / 1000;
      if (raw < 0)
        warnings.push(
          `deployment ${deployment.id} recovered (${new Date(recoveredAtMs).toISOString()}) before it finished (${deployment.finishedAt}); its recovery time counts as 0`,
        );
      recoverySeconds = Math.max(0, raw);
    }
    failed.set(deployment.id, {
      deploymentId: deployment.id,
      finishedAt: deployment.finishedAt,
      incidentIds: incidents.map((i) => i.id),
      remediatedBy: remedies.map((r) => r.id),
      recoveredAt: recoveredAtMs === null ? null : new Date(recoveredAtMs).toISOString(),
      recoverySeconds,
      recoveredBy,
    });
  }
  return failed;
}
